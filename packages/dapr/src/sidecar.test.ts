import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DependencyUnavailableError } from '@dbcarts/errors';
import { toProblem } from '@dbcarts/http';
import { runWithRequestContext } from '@dbcarts/logging';
import { afterEach, describe, expect, it } from 'vitest';
import { Sidecar } from './sidecar';

// Dapr's own answer when the callee's process is gone: a 500 with its error code and the dial error.
const daprRefusal = (port: number) =>
  JSON.stringify({
    errorCode: 'ERR_DIRECT_INVOKE',
    message: `failed to invoke, id: catalog, err: rpc error: code = Unavailable desc = error invoking app channel: Get "http://127.0.0.1:${port}/products?page=1": dial tcp 127.0.0.1:${port}: connect: connection refused`,
  });

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

async function fakeSidecar(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Sidecar> {
  server = createServer(handler);
  await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return new Sidecar({ host: '127.0.0.1', httpPort: port }, { invokeMs: 300, componentMs: 200 });
}

async function failure(p: Promise<unknown>): Promise<DependencyUnavailableError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DependencyUnavailableError);
  return err as DependencyUnavailableError;
}

function expectPublicBodyClean(err: DependencyUnavailableError, ...leaks: string[]): void {
  const text = JSON.stringify(toProblem(err));
  for (const leak of ['ERR_', '127.0.0.1', 'dial tcp', 'invoke', 'rpc error', 'products?page', ...leaks]) {
    expect(text).not.toContain(leak);
  }
}

describe('Sidecar: failures of Dapr itself become dependency faults with a public body that leaks nothing', () => {
  it('a callee that is gone (Dapr ERR_DIRECT_INVOKE) → "The catalog service is unavailable"', async () => {
    const sidecar = await fakeSidecar((_req, res) => {
      res.writeHead(500, { 'content-type': 'application/json' }).end(daprRefusal(41873));
    });
    const err = await failure(sidecar.invokeService('catalog', 'GET', '/products', { query: { page: 1 } }));
    expect(toProblem(err).detail).toBe('The catalog service is unavailable; try again shortly.');
    expectPublicBodyClean(err, '41873');
    expect(err.message).toContain('dial tcp'); // for the log line
  });

  it('an unreachable sidecar (connection refused) → the same public words, no address', async () => {
    const probe = await fakeSidecar(() => undefined);
    const port = probe.address.httpPort;
    await new Promise<void>((r) => server?.close(() => r()));
    server = undefined;
    const sidecar = new Sidecar({ host: '127.0.0.1', httpPort: port });
    const err = await failure(sidecar.invokeService('catalog', 'GET', '/products'));
    expectPublicBodyClean(err, String(port), 'ECONNREFUSED', 'fetch failed');
  });

  it('a component error (state store) names no component in public', async () => {
    const sidecar = await fakeSidecar((_req, res) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(
        '{"errorCode":"ERR_STATE_GET","message":"fail to get key: redis: connection pool timeout 127.0.0.1:6379"}',
      );
    });
    const err = await failure(sidecar.getState('statestore', 'k'));
    expectPublicBodyClean(err, 'statestore', 'redis', '6379');
  });

  it('a stalled sidecar: a service invocation ends at its bound, not after the stall', async () => {
    const sidecar = await fakeSidecar(() => undefined); // accepts, never answers
    const started = Date.now();
    const err = await failure(sidecar.invokeService('catalog', 'GET', '/products'));
    expect(Date.now() - started).toBeLessThan(3000); // slack: two shared cores
    expectPublicBodyClean(err, 'aborted', 'timeout');
  });

  it('a stalled sidecar: a state call ends at its bound, not after the stall', async () => {
    const sidecar = await fakeSidecar(() => undefined);
    const started = Date.now();
    await failure(sidecar.getState('cache', 'k'));
    await failure(sidecar.saveState('cache', [{ key: 'k', value: 1 }]));
    expect(Date.now() - started).toBeLessThan(3000); // slack: two shared cores
  });

  it('default bounds are far below the 30 s a stalled dependency used to hold a request', () => {
    const sidecar = new Sidecar({ host: '127.0.0.1', httpPort: 1 });
    expect(sidecar.timeouts.invokeMs).toBeLessThanOrEqual(6000);
    expect(sidecar.timeouts.componentMs).toBeLessThanOrEqual(3000);
  });

  it("passes the request id on, so the callee's log lines carry the caller's id", async () => {
    let seen: string | undefined;
    const sidecar = await fakeSidecar((req, res) => {
      seen = req.headers['x-request-id'] as string | undefined;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    await runWithRequestContext({ requestId: 'req-abc' }, () => sidecar.invokeService('catalog', 'GET', '/x'));
    expect(seen).toBe('req-abc');
  });
});
