import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { createLogger } from '@dbcarts/logging';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { ProductEdgeCache } from '../app/product-edge-cache';
import { JwksTokenVerifier } from '../infra/jwks-token.verifier';
import { buildGatewayApp } from './gateway.app';
import { preferredEncoding, STOREFRONT_CSP, storefrontBuilt } from './storefront.routes';

// A built storefront of three files in a temp folder, served by the whole gateway app (every API
// router mounted before it), so the test sees what a browser and an API client would.
const dir = mkdtempSync(join(tmpdir(), 'storefront-'));
const INDEX = '<!doctype html><title>DBcarts</title><script type="module" src="/assets/index-AbC123.js"></script>';
mkdirSync(join(dir, 'assets'));
writeFileSync(join(dir, 'index.html'), INDEX);
writeFileSync(join(dir, 'assets', 'index-AbC123.js'), 'console.log("shop")');
writeFileSync(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
// The storefront build's precompressed copies (web/storefront/scripts/compress.mjs), for two files.
const JS = 'console.log("shop")';
const JS_BR = brotliCompressSync(JS);
const JS_GZ = gzipSync(JS);
writeFileSync(join(dir, 'assets', 'index-AbC123.js.br'), JS_BR);
writeFileSync(join(dir, 'assets', 'index-AbC123.js.gz'), JS_GZ);
writeFileSync(join(dir, 'index.html.br'), brotliCompressSync(INDEX));
writeFileSync(join(dir, '.build-stamp'), 'secret-ish');

// biome-ignore lint/suspicious/noExplicitAny: inert stand-ins for every client
const never: any = new Proxy({}, { get: () => () => Promise.reject(new Error('not called')) });
const build = (storefrontDir?: string) =>
  buildGatewayApp({
    deps: { catalog: never, inventory: never, browse: never, edge: new ProductEdgeCache() },
    identity: {
      users: never,
      verifier: new JwksTokenVerifier({ issuer: 'x', audience: 'y', fetchJwks: async () => ({ keys: [] }) }),
      sidecarBaseUrl: 'http://127.0.0.1:9',
    },
    orders: never,
    notifications: never,
    promotions: never,
    logger: createLogger('test', 'silent'),
    storefrontDir,
  });
const app = build(dir);
const HTML = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

describe('the storefront at / (storefront.routes.ts)', () => {
  it('serves hashed assets for a year (immutable) and index.html revalidated, both under the CSP', async () => {
    const asset = await request(app).get('/assets/index-AbC123.js');
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(asset.headers['content-security-policy']).toBe(STOREFRONT_CSP);

    const index = await request(app).get('/').set('accept', HTML);
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toMatch(/^text\/html/);
    expect(index.headers['cache-control']).toBe('no-cache');
    expect(index.text).toBe(INDEX);
    expect(index.headers['content-security-policy']).toContain("script-src 'self'");
    expect(index.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(index.headers['content-security-policy']).not.toContain('unsafe-inline');

    const icon = await request(app).get('/favicon.svg');
    expect(icon.status).toBe(200);
    expect(icon.headers['cache-control']).toBe('public, max-age=3600');
  });

  it('answers with the precompressed copy the client accepts (Brotli, else gzip), as is otherwise', async () => {
    const br = await request(app).get('/assets/index-AbC123.js').set('accept-encoding', 'gzip, deflate, br, zstd');
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['content-length']).toBe(String(JS_BR.length));
    expect(br.headers.vary).toContain('Accept-Encoding');
    expect(br.headers['content-type']).toMatch(/javascript/);
    expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const gz = await request(app).get('/assets/index-AbC123.js').set('accept-encoding', 'gzip, br;q=0');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.text).toBe(JS); // decoded by the client: the same script
    const plain = await request(app).get('/assets/index-AbC123.js').set('accept-encoding', 'identity');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.text).toBe(JS);
    // index.html has a Brotli copy only: gzip-only clients get it as is.
    const nav = await request(app).get('/cart').set('accept', HTML).set('accept-encoding', 'br');
    expect(nav.headers['content-encoding']).toBe('br');
    expect(nav.headers['cache-control']).toBe('no-cache');
    const navGz = await request(app).get('/cart').set('accept', HTML).set('accept-encoding', 'gzip');
    expect(navGz.headers['content-encoding']).toBeUndefined();
    expect(navGz.text).toBe(INDEX);
    expect(preferredEncoding(undefined)).toBeUndefined();
    expect(preferredEncoding('br;q=0, gzip;q=0')).toBeUndefined();
    expect(preferredEncoding('GZIP;q=0.5, BR;q=1')).toBe('br');
  });

  it('answers client-side routes (GET navigations) with index.html', async () => {
    for (const path of [
      '/search?q=shoes',
      '/p/3f1c9a52-1111-4222-8333-444455556666',
      '/orders/abc',
      '/callback?code=x',
    ]) {
      const res = await request(app).get(path).set('accept', HTML);
      expect(res.status, path).toBe(200);
      expect(res.text, path).toBe(INDEX);
      expect(res.headers['cache-control'], path).toBe('no-cache');
    }
  });

  it('never swallows the API, the identity provider, probes or the sidecar routes, in any spelling', async () => {
    for (const path of [
      '/api/nope',
      '/API/x',
      '/Api/Orders/zzz',
      '/%61pi/x',
      '//api/x',
      '/oidc/nope',
      '/OIDC/whatever',
      '/.well-known/nope',
      '/dapr/x',
      '/events/x',
      '/metrics',
      '/METRICS',
    ]) {
      const res = await request(app).get(path).set('accept', HTML);
      expect(res.text, path).not.toBe(INDEX);
      expect(res.status, path).toBeGreaterThanOrEqual(400);
    }
    // An unknown API path keeps its problem+json 404, with or without the storefront mounted.
    for (const a of [app, build()]) {
      const res = await request(a).get('/api/does-not-exist').set('accept', HTML);
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 404, code: 'ROUTE.NOT_FOUND' });
    }
    const health = await request(app).get('/healthz').set('accept', HTML);
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'ok' });
  });

  it('answers a missing asset, a request that is not a navigation and a write with 404, never index.html', async () => {
    const missing = await request(app).get('/assets/index-Gone99.js');
    expect(missing.status).toBe(404);
    expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/);
    for (const accept of ['application/json', '*/*']) {
      const res = await request(app).get('/some/page').set('accept', accept);
      expect(res.status, accept).toBe(404);
      expect(res.headers['content-type'], accept).toMatch(/^application\/problem\+json/);
    }
    // A fetch() from a page (Sec-Fetch-Mode cors) is not a navigation, whatever it accepts.
    const fetched = await request(app).get('/some/page').set('accept', HTML).set('sec-fetch-mode', 'cors');
    expect(fetched.status).toBe(404);
    const navigated = await request(app).get('/some/page').set('accept', '*/*').set('sec-fetch-mode', 'navigate');
    expect(navigated.text).toBe(INDEX);
    const post = await request(app).post('/some/page').set('accept', HTML).send({});
    expect(post.status).toBe(404);
    const dot = await request(app).get('/.build-stamp').set('accept', '*/*');
    expect(dot.text).not.toContain('secret-ish');
  });

  it('is absent without a built storefront: / is the gateway 404 and storefrontBuilt says why', async () => {
    expect(storefrontBuilt(dir)).toBe(true);
    expect(storefrontBuilt(join(dir, 'nowhere'))).toBe(false);
    const res = await request(build()).get('/').set('accept', HTML);
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ code: 'ROUTE.NOT_FOUND' });
  });
});
