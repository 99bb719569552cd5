import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startStack, type TestStack } from '@dbcarts/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killListener } from '../support/kill-listener';

// Issue 9, item 8: with the catalog process gone, GET /api/products answered 503 whose public
// `detail` held Dapr's error code, the internal URL with its port and query, and the dial error.
let stack: TestStack;
let gateway: string;

beforeAll(async () => {
  stack = await startStack({
    apps: ['catalog', 'gateway'],
    appEnv: { catalog: { SEED_CATALOG_PRODUCTS: '14' } },
  });
  gateway = stack.appUrl('gateway');
});
afterAll(() => stack?.stop());

/** Every address and port of the stack: none may appear in a public body. */
function internalPorts(): string[] {
  return ['catalog', 'gateway'].flatMap((app) => {
    const e = stack.stack.endpoints(app);
    return [e.appPort, e.daprHttpPort, e.daprGrpcPort, e.internalGrpcPort].map(String);
  });
}

/** The app's log lines with this request id; the log reaches its file a moment after the answer. */
async function logLines(app: string, requestId: string): Promise<string> {
  const deadline = Date.now() + 3000;
  for (;;) {
    const lines = readFileSync(join(stack.stack.logDir, `${app}.log`), 'utf8')
      .split('\n')
      .filter((l) => l.includes(requestId));
    if (lines.length || Date.now() > deadline) return lines.join('\n');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('a dependency that is gone: the public body says what failed, the log says why', () => {
  it('catalog process killed → 503 problem+json in client words with request id and Retry-After; internals only in the log', async () => {
    const listed = await fetch(`${gateway}/api/products?pageSize=2`);
    expect(listed.status).toBe(200);
    const { items } = (await listed.json()) as { items: { id: string }[] };
    await killListener(stack.stack.endpoints('catalog').appPort);

    for (const path of [
      '/api/products?pageSize=3&sort=price_desc',
      '/api/categories',
      `/api/products/${items[1]?.id}`,
    ]) {
      const requestId = `gone-${Math.random().toString(36).slice(2, 10)}`;
      const res = await fetch(`${gateway}${path}`, { headers: { 'x-request-id': requestId } });
      const text = await res.text();
      expect(res.status, path).toBe(503);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      const body = JSON.parse(text);
      expect(body).toMatchObject({ status: 503, code: 'DEPENDENCY.UNAVAILABLE', requestId });
      expect(body.detail).toBe('The catalog service is unavailable; try again shortly.');
      for (const leak of ['ERR_', '127.0.0.1', 'dial tcp', 'connection refused', 'invoke', 'rpc error', '/v1.0/']) {
        expect(text.toLowerCase(), `${path} leaks ${leak}`).not.toContain(leak.toLowerCase());
      }
      for (const port of internalPorts()) expect(text, `${path} leaks port ${port}`).not.toContain(port);

      // The reason is kept where an operator finds it: the gateway's log line under that request id.
      expect(await logLines('gateway', requestId), `${path}: no log line for ${requestId}`).toMatch(
        /ERR_DIRECT_INVOKE|dial tcp|refused|reset/,
      );
    }

    // The platform recovers by itself once the process is back.
    await stack.restartApp('catalog');
    expect((await fetch(`${gateway}/api/products?pageSize=2`)).status).toBe(200);
  });
});
