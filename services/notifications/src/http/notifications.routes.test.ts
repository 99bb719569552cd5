import { createHttpApp } from '@dbcarts/http';
import { createLogger } from '@dbcarts/logging';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { notificationsRoutes } from './notifications.routes';

// Only refusals are tested here: they are answered before any use case runs (the stand-ins throw if
// called). Listing itself runs on a real database in test/notifications.int.test.ts.
// biome-ignore lint/suspicious/noExplicitAny: inert stand-ins
const never: any = new Proxy({}, { get: () => () => Promise.reject(new Error('not called')) });
const app = createHttpApp({
  service: 'notifications',
  logger: createLogger('test', 'silent'),
  routes: (a) => a.use(notificationsRoutes({ list: never, deadLetters: never })),
});

describe('GET /notifications refuses bad queries with a problem, never a 500', () => {
  it.each([
    ['no customer', '/notifications'],
    ['pageSize over 100', '/notifications?customerId=c1&pageSize=101'],
    ['page 0', '/notifications?customerId=c1&page=0'],
    ['an unknown parameter', '/notifications?customerId=c1&sort=asc'],
    ['a customer id over 64 characters', `/notifications?customerId=${'c'.repeat(65)}`],
  ])('%s → 400 REQUEST.INVALID', async (_name, url) => {
    const res = await request(app).get(url);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.code).toBe('REQUEST.INVALID');
  });
});
