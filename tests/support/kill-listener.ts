import { execFile } from 'node:child_process';

/**
 * SIGKILLs the process listening on a local TCP port (an app of the test's own stack) and waits
 * until the port is free: "the process is gone", as a crash leaves it, with its sidecar still up.
 */
export async function killListener(port: number): Promise<number> {
  const pid = await listenerPid(port);
  if (!pid) throw new Error(`nothing listens on port ${port}`);
  process.kill(pid, 'SIGKILL');
  const deadline = Date.now() + 10_000;
  while ((await listenerPid(port)) !== undefined) {
    if (Date.now() > deadline) throw new Error(`port ${port} still taken after SIGKILL of ${pid}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return pid;
}

function listenerPid(port: number): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    execFile('ss', ['-Hltnp', `sport = :${port}`], (err, out) => {
      if (err) return reject(err);
      const m = /pid=(\d+)/.exec(out);
      resolve(m ? Number(m[1]) : undefined);
    });
  });
}
