import { createLogger } from '@dbcarts/logging';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createHttpApp } from './app';
import { spellings } from '../../../tests/support/path-spellings';
import { canonicalPath } from './sidecar-guard';

const TOKEN = 'sidecar-token-for-tests';

// A public app (the gateway's shape): only the sidecar's routes need the token.
const publicApp = createHttpApp({
  service: 'test',
  logger: createLogger('test', 'silent'),
  sidecarOnly: { token: TOKEN, paths: ['/dapr', '/events'] },
  routes: (a) => {
    a.get('/dapr/subscribe', (_req, res) => void res.json([{ topic: 't' }]));
    a.post('/events/catalog/product-changed', (_req, res) => void res.json({ status: 'SUCCESS' }));
    a.get('/api/things', (_req, res) => void res.json({ ok: true }));
  },
});

// An internal service: everything but the probes needs the token.
const internalApp = createHttpApp({
  service: 'test',
  logger: createLogger('test', 'silent'),
  sidecarOnly: { token: TOKEN },
  routes: (a) => {
    a.get('/products', (_req, res) => void res.json([]));
    a.put('/actors/InventoryItem/SKU-1/method/reserve', (_req, res) => void res.json({}));
  },
});

describe('sidecar-only routes (Dapr app API token)', () => {
  it.each(spellings('/events/catalog/product-changed'))('refuses POST %s without the token', async (p) => {
    const res = await request(publicApp).post(p).send({ id: 'x', data: {} });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('ROUTE.NOT_FOUND');
  });

  it.each(spellings('/dapr/subscribe'))('refuses GET %s without the token', async (p) => {
    const res = await request(publicApp).get(p);
    expect(res.status).toBe(404);
    expect(JSON.stringify(res.body)).not.toContain('topic');
  });

  it('lets the sidecar through with the token, and the public through elsewhere', async () => {
    const withToken = await request(publicApp).get('/DAPR/subscribe').set('dapr-api-token', TOKEN);
    expect(withToken.status).toBe(200);
    expect((await request(publicApp).get('/api/things')).status).toBe(200);
    expect((await request(publicApp).get('/dapr/subscribe').set('dapr-api-token', 'wrong')).status).toBe(404);
  });

  it.each([...spellings('/products'), ...spellings('/actors/InventoryItem/SKU-1/method/reserve')])(
    'an internal service refuses %s without the token',
    async (p) => {
      const res = await request(internalApp).get(p);
      expect(res.status).toBe(404);
      const put = await request(internalApp).put(p).send({});
      expect(put.status).toBe(404);
    },
  );

  it('keeps probes open on internal services', async () => {
    expect((await request(internalApp).get('/healthz')).status).toBe(200);
  });
});

describe('canonicalPath', () => {
  it.each([
    ['/EVENTS/Catalog/', '/events/catalog'],
    ['//events//catalog', '/events/catalog'],
    ['/events%2Fcatalog', '/events/catalog'],
    ['/%65vents', '/events'],
    ['/./events/./x', '/events/x'],
    ['/a/../events', '/events'],
    ['/../../events', '/events'],
    ['/%2e%2e/events', '/events'],
    ['/events%', '/events%'],
  ])('%s → %s', (raw, canonical) => {
    expect(canonicalPath(raw)).toBe(canonical);
  });
});
