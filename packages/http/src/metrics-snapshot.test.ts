import { createLogger } from '@dbcarts/logging';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createHttpApp } from './app';

const TOKEN = 'a-dapr-app-api-token';
const app = (sidecarOnly?: { token?: string; paths?: string[] }) =>
  createHttpApp({ service: 'svc', logger: createLogger('test', 'silent'), sidecarOnly, routes: () => {} });

describe('GET /internal/metrics-snapshot (read by the gateway ops board)', () => {
  it("answers the sidecar of an internal service with the process's samples", async () => {
    const res = await request(app({ token: TOKEN }))
      .get('/internal/metrics-snapshot')
      .set('dapr-api-token', TOKEN);
    expect(res.status).toBe(200);
    expect(res.body.service).toBe('svc');
    expect(Array.isArray(res.body.samples)).toBe(true);
  });

  it('is not there for anyone without the token, nor on a public app, nor where no token guards the service', async () => {
    expect((await request(app({ token: TOKEN })).get('/internal/metrics-snapshot')).status).toBe(404);
    const publicApp = app({ token: TOKEN, paths: ['/dapr', '/events'] });
    expect((await request(publicApp).get('/internal/metrics-snapshot').set('dapr-api-token', TOKEN)).status).toBe(404);
    expect((await request(publicApp).get('/INTERNAL/metrics-snapshot').set('dapr-api-token', TOKEN)).status).toBe(404);
    expect((await request(app()).get('/internal/metrics-snapshot')).status).toBe(404);
  });
});
