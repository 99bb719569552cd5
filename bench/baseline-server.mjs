// Starts a same-run baseline server (hello-world, express + Lua...) in its own process on a free
// port, so it never shares an event loop with the load generator.
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { freePort } = require('@dbcarts/devstack');
const here = dirname(fileURLToPath(import.meta.url));

export async function startBaselineServer(script, env = {}) {
  const port = await freePort();
  const child = fork(join(here, script), [], { env: { ...process.env, ...env, PORT: String(port) }, stdio: 'inherit' });
  await new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code} before it was ready`)));
  });
  return { port, url: `http://127.0.0.1:${port}`, stop: () => child.kill('SIGTERM') };
}
