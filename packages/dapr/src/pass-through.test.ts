import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DependencyUnavailableError } from '@dbcarts/errors';
import { toProblem } from '@dbcarts/http';
import { afterEach, describe, expect, it } from 'vitest';
import { passThrough } from './pass-through';

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers) s.closeAllConnections();
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A front app relaying every request to the fake sidecar; answers what passThrough rejected with. */
async function front(sidecarBaseUrl: string, timeoutMs?: number): Promise<string> {
  return listen((req, res) => {
    passThrough(req, res, { sidecarBaseUrl, appId: 'users', path: '/oidc/auth?client_id=x', timeoutMs }).catch(
      (e: unknown) => {
        const body = toProblem(e);
        res.writeHead(body.status, { 'content-type': 'application/problem+json' }).end(JSON.stringify(body));
      },
    );
  });
}

describe('passThrough: a failed invocation is a dependency fault whose public body leaks nothing', () => {
  it("Dapr's own error (callee gone) → 503 in client words, no error code, address or dial text", async () => {
    const sidecar = await listen((_req, res) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(
        '{"errorCode":"ERR_DIRECT_INVOKE","message":"failed to invoke, id: users, err: dial tcp 127.0.0.1:45111: connect: connection refused"}',
      );
    });
    const res = await fetch(`${await front(sidecar)}/oidc/auth`);
    const text = await res.text();
    expect(res.status).toBe(503);
    expect(JSON.parse(text)).toMatchObject({ code: 'DEPENDENCY.UNAVAILABLE' });
    for (const leak of ['ERR_', '127.0.0.1', '45111', 'dial tcp', 'invoke', 'oidc/auth'])
      expect(text).not.toContain(leak);
  });

  it('a stalled sidecar → a dependency fault at the bound, without the timeout text', async () => {
    const sidecar = await listen(() => undefined);
    const started = Date.now();
    const res = await fetch(`${await front(sidecar, 300)}/oidc/auth`);
    expect(Date.now() - started).toBeLessThan(3000); // slack: two shared cores
    const text = await res.text();
    expect(res.status).toBe(503);
    expect(text).not.toMatch(/no answer|\d+ ms|127\.0\.0\.1/);
  });

  it('rejects with DependencyUnavailableError when the sidecar is unreachable', async () => {
    const closed = await listen(() => undefined);
    await new Promise((r) => servers.pop()?.close(r));
    const err = await new Promise<unknown>((resolve) => {
      const app = createServer((req, res) => {
        passThrough(req, res, { sidecarBaseUrl: closed, appId: 'users', path: '/x' }).then(
          () => resolve(undefined),
          (e: unknown) => {
            resolve(e);
            res.end();
          },
        );
      });
      servers.push(app);
      app.listen(0, '127.0.0.1', () => void fetch(`http://127.0.0.1:${(app.address() as AddressInfo).port}/`));
    });
    expect(err).toBeInstanceOf(DependencyUnavailableError);
    expect(JSON.stringify(toProblem(err))).not.toMatch(/ECONNREFUSED|127\.0\.0\.1/);
  });
});
