import { createLogger } from '@dbcarts/logging';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { OpsBoard } from '../app/ops-board';
import { OpsRecorder } from '../app/ops-recorder';
import { StreamTickets } from '../app/ops-ticket';
import { ProductEdgeCache } from '../app/product-edge-cache';
import { JwksTokenVerifier } from '../infra/jwks-token.verifier';
import { buildGatewayApp } from './gateway.app';
import { OPERATIONS } from './openapi';

// Stubs that are never called: this test only reads the route table and the documents.
// biome-ignore lint/suspicious/noExplicitAny: inert stand-ins for every client
const never: any = new Proxy({}, { get: () => () => Promise.reject(new Error('not called')) });
const app = buildGatewayApp({
  deps: { catalog: never, inventory: never, browse: never, edge: new ProductEdgeCache() },
  identity: {
    users: never,
    verifier: new JwksTokenVerifier({ issuer: 'x', audience: 'y', fetchJwks: async () => ({ keys: [] }) }),
    sidecarBaseUrl: 'http://127.0.0.1:9',
  },
  orders: never,
  notifications: never,
  promotions: never,
  ops: {
    board: new OpsBoard({ read: never.read }),
    recorder: new OpsRecorder(),
    tickets: new StreamTickets(undefined),
  },
  logger: createLogger('test', 'silent'),
  rateLimit: { settings: () => ({ points: 1000, windowSeconds: 60 }) },
});

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

function routes(stack: Layer[], out: string[] = []): string[] {
  for (const layer of stack) {
    if (layer.route) for (const m of Object.keys(layer.route.methods)) out.push(`${m} ${layer.route.path}`);
    else if (layer.handle?.stack) routes(layer.handle.stack, out);
  }
  return out;
}

describe('the API inventory (OWASP API9)', () => {
  it('serves exactly the documented operations: no undocumented route, no documented ghost', () => {
    const served = routes((app as unknown as { router: { stack: Layer[] } }).router.stack)
      .filter(
        (r) => !r.includes('/dapr/') && !r.includes('/events/') && !r.endsWith('/healthz') && !r.endsWith('/readyz'),
      )
      .map((r) => r.replace(/:(\w+)/g, '{$1}'))
      .sort();
    const documented = OPERATIONS.map((o) => `${o.method} ${o.path}`).sort();
    expect(served).toEqual(documented);
  });

  it('publishes OpenAPI 3.1 with request schemas, and a browsable page', async () => {
    const doc = (await request(app).get('/api/openapi.json')).body;
    expect(doc.openapi).toBe('3.1.0');
    const register = doc.paths['/api/auth/register'].post;
    expect(register.requestBody.content['application/json'].schema.properties).toHaveProperty('password');
    expect(register.requestBody.content['application/json'].schema.additionalProperties).toBe(false);
    expect(doc.paths['/api/products'].post['x-required-role']).toBe('admin');
    const page = await request(app).get('/api/docs');
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.text).toContain('/api/flash-sales/active');
  });
});

describe('CORS allow-list', () => {
  const withCors = buildGatewayApp({
    deps: { catalog: never, inventory: never, browse: never, edge: new ProductEdgeCache() },
    logger: createLogger('test', 'silent'),
    rateLimit: { settings: () => ({ points: 1000, windowSeconds: 60 }) },
    corsOrigins: ['https://shop.example'],
  });

  it('answers preflights for listed origins only', async () => {
    const ok = await request(withCors)
      .options('/api/me')
      .set('origin', 'https://shop.example')
      .set('access-control-request-method', 'GET');
    expect(ok.status).toBe(204);
    expect(ok.headers['access-control-allow-origin']).toBe('https://shop.example');
    expect(ok.headers['access-control-allow-headers']).toContain('Authorization');
    const evil = await request(withCors)
      .options('/api/me')
      .set('origin', 'https://evil.example')
      .set('access-control-request-method', 'GET');
    expect(evil.headers['access-control-allow-origin']).toBeUndefined();
  });
});
