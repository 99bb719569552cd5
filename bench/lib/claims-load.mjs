// The drop benches' load generator, a process of its own (autocannon): every request a claim by one
// customer with their own ES256 access token and a new Idempotency-Key. The tokens of a run's customers
// are minted here before the run starts ("prepare"), with the dev signing key the users service signs
// with, so minting never shares a measured window and no token list crosses the IPC channel.
// No figure of its own: bench/flash-drop drives both of its sides with it (the gateway and its same-run
// baseline, bench/claims-baseline.server.mjs), same connections, warm-up, duration and customers.
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const SELF = fileURLToPath(import.meta.url);

/**
 * `signing`: { jwk (private, with kid), issuer }. `prepare({ from, customers })` mints the tokens of
 * customers drop-customer-<from>…; `run({ url, path, connections, duration, runId })` claims with them
 * (a customer pressing again reuses theirs, as in a real drop) and resolves with autocannon's figures.
 */
export async function startClaimsLoad(signing) {
  const child = fork(SELF, ['--claims-load'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = () => new Promise((resolve) => child.once('message', resolve));
  await next();
  child.send({ signing });
  await next();
  const ask = (msg) => {
    child.send(msg);
    return next();
  };
  return {
    prepare: (slice) => ask({ prepare: slice }),
    run: (opts) => ask({ run: opts }),
    stop: () => child.kill(),
  };
}

async function serve() {
  const autocannon = require('autocannon');
  const { importJWK, SignJWT } = require('jose');
  let key;
  let signing;
  let tokens = [];
  process.on('message', async (msg) => {
    if (msg.signing) {
      signing = msg.signing;
      key = await importJWK(signing.jwk, 'ES256');
      return void process.send({ ready: true });
    }
    if (msg.prepare) {
      const { from, customers } = msg.prepare;
      tokens = await Promise.all(
        Array.from({ length: customers }, (_, i) =>
          new SignJWT({ roles: ['customer'], sid: `s${from + i}` })
            .setProtectedHeader({ alg: 'ES256', kid: signing.jwk.kid, typ: 'at+jwt' })
            .setSubject(`drop-customer-${from + i}`)
            .setIssuer(signing.issuer)
            .setAudience('dbcarts-api')
            .setIssuedAt()
            .setExpirationTime('2h')
            .sign(key),
        ),
      );
      return void process.send({ prepared: tokens.length });
    }
    const o = msg.run;
    let n = 0;
    const r = await autocannon({
      url: o.url,
      connections: o.connections,
      duration: o.duration,
      requests: [
        {
          method: 'POST',
          path: o.path,
          setupRequest: (req) => {
            const i = n++;
            req.headers = {
              ...req.headers,
              'content-type': 'application/json',
              authorization: `Bearer ${tokens[i % tokens.length]}`,
              'idempotency-key': `${o.runId}-${i}`,
            };
            req.body = '{"quantity":1}';
            return req;
          },
        },
      ],
    });
    process.send({
      requests: r.requests.total,
      ops_per_s: Math.round(r.requests.total / o.duration),
      p50_ms: r.latency.p50,
      p99_ms: r.latency.p99,
      statuses: Object.fromEntries(Object.entries(r.statusCodeStats ?? {}).map(([k, v]) => [k, v.count])),
      errors: r.errors + r.timeouts,
    });
  });
  process.send({ ready: true });
}

if (process.argv.includes('--claims-load')) void serve();
