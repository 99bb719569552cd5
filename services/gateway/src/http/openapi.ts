import { ProductCreateBody, ProductListQuery, ProductUpdateBody } from '@dbcarts/catalog/contract';
import { FlashSaleBody, SetStockBody } from '@dbcarts/inventory/contract';
import { NotificationListQuery } from '@dbcarts/notifications/contract';
import { AdminOrderQuery, CartItemBody, CreateOrderBody, PageQuery, ReturnBody } from '@dbcarts/orders/contract';
import { CreatePromotionBody } from '@dbcarts/promotions/contract';
import { AddressBody, LoginBody, ProfilePatch, RefreshBody, RegisterBody } from '@dbcarts/users/contract';
import { z } from 'zod';
import { AFTER_SALES_OPERATIONS } from './after-sales.openapi';
import { ClaimBody } from './flash-claims.routes';
import { OpsStreamQuery } from './ops.routes';

type Access = 'public' | 'customer' | 'admin';
export interface Op {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  summary: string;
  access: Access;
  body?: z.ZodType;
  query?: z.ZodObject;
  ok: number;
}

/** Cart and orders (the orders service); ⟲ marks routes that need an Idempotency-Key. */
const ORDER_OPERATIONS: Op[] = [
  { method: 'get', path: '/api/cart', summary: "My cart at today's prices", access: 'customer', ok: 200 },
  {
    method: 'put',
    path: '/api/cart/items/{sku}',
    summary: 'Set a cart line',
    access: 'customer',
    body: CartItemBody,
    ok: 200,
  },
  { method: 'delete', path: '/api/cart/items/{sku}', summary: 'Remove a cart line', access: 'customer', ok: 200 },
  {
    method: 'post',
    path: '/api/orders',
    summary: 'Place an order ⟲ (reserve, price, authorize, confirm; a failed order holds no stock and no money)',
    access: 'customer',
    body: CreateOrderBody,
    ok: 201,
  },
  {
    method: 'get',
    path: '/api/checkout-queue/{ticket}',
    summary: 'Where a queued checkout stands: 202 with position and estimated wait, then 303 to the order',
    access: 'customer',
    ok: 202,
  },
  {
    method: 'get',
    path: '/api/orders',
    summary: 'My orders, newest first',
    access: 'customer',
    query: PageQuery,
    ok: 200,
  },
  { method: 'get', path: '/api/orders/{id}', summary: 'One of my orders', access: 'customer', ok: 200 },
  { method: 'post', path: '/api/orders/{id}/cancel', summary: 'Cancel before shipment', access: 'customer', ok: 200 },
  {
    method: 'post',
    path: '/api/orders/{id}/returns',
    summary:
      'Return within 30 days of delivery ⟲ (15 for opened electronics, never final sale; free; refunded, restocked)',
    access: 'customer',
    body: ReturnBody,
    ok: 201,
  },
  {
    method: 'get',
    path: '/api/orders/{id}/invoice',
    summary: 'The invoice (JSON, or ?format=html to print); 404 until issued',
    access: 'customer',
    ok: 200,
  },
  {
    method: 'get',
    path: '/api/admin/orders',
    summary: 'All orders by status and date',
    access: 'admin',
    query: AdminOrderQuery,
    ok: 200,
  },
  {
    method: 'post',
    path: '/api/admin/orders/{id}/ship',
    summary: 'Ship (captures the payment)',
    access: 'admin',
    ok: 200,
  },
  { method: 'post', path: '/api/admin/orders/{id}/deliver', summary: 'Mark delivered', access: 'admin', ok: 200 },
];

/** The OpenID provider (oidc-provider in the users service), relayed as is: OAuth 2 forms and redirects. */
const OIDC_OPERATIONS: Op[] = [
  { method: 'get', path: '/.well-known/openid-configuration', summary: 'OpenID discovery', access: 'public', ok: 200 },
  { method: 'get', path: '/oidc/jwks', summary: 'Token signing keys (JWKS)', access: 'public', ok: 200 },
  { method: 'get', path: '/oidc/auth', summary: 'Authorization endpoint (code + PKCE)', access: 'public', ok: 303 },
  { method: 'post', path: '/oidc/auth', summary: 'Authorization endpoint (form post)', access: 'public', ok: 303 },
  {
    method: 'get',
    path: '/oidc/auth/{uid}',
    summary: 'Authorization resumed after sign-in',
    access: 'public',
    ok: 303,
  },
  {
    method: 'post',
    path: '/oidc/token',
    summary: 'Token endpoint (authorization_code, refresh_token, client_credentials)',
    access: 'public',
    ok: 200,
  },
  { method: 'get', path: '/oidc/me', summary: 'UserInfo', access: 'public', ok: 200 },
  { method: 'post', path: '/oidc/me', summary: 'UserInfo', access: 'public', ok: 200 },
  { method: 'post', path: '/oidc/token/revocation', summary: 'Token revocation (RFC 7009)', access: 'public', ok: 200 },
  {
    method: 'post',
    path: '/oidc/token/introspection',
    summary: 'Token introspection (RFC 7662)',
    access: 'public',
    ok: 200,
  },
  { method: 'get', path: '/oidc/session/end', summary: 'RP-initiated logout', access: 'public', ok: 200 },
  { method: 'post', path: '/oidc/session/end', summary: 'RP-initiated logout', access: 'public', ok: 200 },
  { method: 'post', path: '/oidc/session/end/confirm', summary: 'Logout confirmation', access: 'public', ok: 303 },
  { method: 'get', path: '/oidc/session/end/success', summary: 'Logged out', access: 'public', ok: 200 },
  { method: 'get', path: '/oidc/interaction/{uid}', summary: 'Sign-in page', access: 'public', ok: 200 },
  {
    method: 'post',
    path: '/oidc/interaction/{uid}/login',
    summary: 'Sign-in form (throttled like /api/auth/login)',
    access: 'public',
    ok: 303,
  },
  { method: 'get', path: '/oidc/interaction/{uid}/abort', summary: 'Cancel sign-in', access: 'public', ok: 303 },
];

/** Every public operation: the gateway's route table and this list are checked against each other in tests. */
export const OPERATIONS: Op[] = [
  { method: 'get', path: '/api/categories', summary: 'Store departments', access: 'public', ok: 200 },
  {
    method: 'get',
    path: '/api/products',
    summary: 'Product listing (filters, sort, paging)',
    access: 'public',
    query: ProductListQuery,
    ok: 200,
  },
  {
    method: 'get',
    path: '/api/products/{id}',
    summary: 'One product (ETag, If-None-Match → 304)',
    access: 'public',
    ok: 200,
  },
  {
    method: 'post',
    path: '/api/products',
    summary: 'Create a product',
    access: 'admin',
    body: ProductCreateBody,
    ok: 201,
  },
  {
    method: 'patch',
    path: '/api/products/{id}',
    summary: 'Update a product',
    access: 'admin',
    body: ProductUpdateBody,
    ok: 200,
  },
  { method: 'get', path: '/api/inventory/{sku}', summary: 'Stock of a SKU', access: 'public', ok: 200 },
  { method: 'put', path: '/api/inventory/{sku}', summary: 'Set stock', access: 'admin', body: SetStockBody, ok: 200 },
  {
    method: 'get',
    path: '/api/flash-sales/active',
    summary: 'Running flash sales with what is left',
    access: 'public',
    ok: 200,
  },
  {
    method: 'post',
    path: '/api/flash-sales',
    summary: 'Schedule a flash sale (body also takes `sku`)',
    access: 'admin',
    body: FlashSaleBody,
    ok: 201,
  },
  {
    method: 'post',
    path: '/api/admin/ops/stream-tickets',
    summary: 'A 30-second, single-use ticket that opens the ops board stream (EventSource cannot send a token)',
    access: 'admin',
    ok: 201,
  },
  {
    method: 'get',
    path: '/api/admin/ops/stream',
    summary:
      'The ops board as server-sent events (text/event-stream): `history`, then a `snapshot` a second, heartbeats, `bye` at shutdown; needs `ticket` (401 OPS.TICKET_REQUIRED / OPS.TICKET_INVALID), 429 OPS.STREAM_FULL past the cap',
    access: 'public',
    query: OpsStreamQuery,
    ok: 200,
  },
  {
    method: 'post',
    path: '/api/promotions',
    summary: 'Create a coupon or a timed discount (percent or fixed; caps, window, scope)',
    access: 'admin',
    body: CreatePromotionBody,
    ok: 201,
  },
  {
    method: 'get',
    path: '/api/promotions/{code}',
    summary: "A running coupon's public terms (no caps or counts)",
    access: 'public',
    ok: 200,
  },
  {
    method: 'post',
    path: '/api/flash-sales/{sku}/claims',
    summary:
      'Claim units of a running drop ⟲ (held at the flash price until expiresAt; 409 sold out, over the limit, not active)',
    access: 'customer',
    body: ClaimBody,
    ok: 201,
  },
  {
    method: 'delete',
    path: '/api/flash-sales/{sku}/claims/{claimId}',
    summary: 'Give a claim back (its units return to the drop at once)',
    access: 'customer',
    ok: 204,
  },
  {
    method: 'post',
    path: '/api/auth/register',
    summary: 'Create a customer account (throttled per address)',
    access: 'public',
    body: RegisterBody,
    ok: 201,
  },
  {
    method: 'post',
    path: '/api/auth/login',
    summary: 'Log in (throttled)',
    access: 'public',
    body: LoginBody,
    ok: 200,
  },
  {
    method: 'post',
    path: '/api/auth/refresh',
    summary: 'Rotate a refresh token',
    access: 'public',
    body: RefreshBody,
    ok: 200,
  },
  {
    method: 'post',
    path: '/api/auth/logout',
    summary: "Revoke the session's refresh token",
    access: 'customer',
    ok: 204,
  },
  { method: 'get', path: '/api/me', summary: 'My profile', access: 'customer', ok: 200 },
  { method: 'patch', path: '/api/me', summary: 'Rename me', access: 'customer', body: ProfilePatch, ok: 200 },
  { method: 'get', path: '/api/me/addresses', summary: 'My shipping addresses', access: 'customer', ok: 200 },
  {
    method: 'post',
    path: '/api/me/addresses',
    summary: 'Add a shipping address',
    access: 'customer',
    body: AddressBody,
    ok: 201,
  },
  {
    method: 'delete',
    path: '/api/me/addresses/{addressId}',
    summary: 'Delete one of my addresses',
    access: 'customer',
    ok: 204,
  },
  {
    method: 'get',
    path: '/api/me/sessions',
    summary: 'My signed-in sessions (devices), the current one marked',
    access: 'customer',
    ok: 200,
  },
  {
    method: 'delete',
    path: '/api/me/sessions/{sessionId}',
    summary: 'Sign one of my sessions out (its refresh token stops working)',
    access: 'customer',
    ok: 204,
  },
  {
    method: 'get',
    path: '/api/me/notifications',
    summary:
      'Messages sent to me (order confirmation, shipping, cancellation, refund, case replies, claim decisions), newest first',
    access: 'customer',
    query: NotificationListQuery,
    ok: 200,
  },
  ...ORDER_OPERATIONS,
  ...AFTER_SALES_OPERATIONS,
  {
    method: 'post',
    path: '/api/payments/webhooks/{provider}',
    summary:
      "Payment provider notifications (stripe, paypal, adyen), relayed byte for byte; the provider's signature is checked, 400 if bad",
    access: 'public',
    ok: 200,
  },
  { method: 'get', path: '/api/openapi.json', summary: 'This document', access: 'public', ok: 200 },
  { method: 'get', path: '/api/docs', summary: 'This document as a page', access: 'public', ok: 200 },
  ...OIDC_OPERATIONS,
];

const PROBLEM = {
  description: 'RFC 9457 problem',
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
};

export function openApiDocument(): object {
  const paths: Record<string, Record<string, object>> = {};
  for (const op of OPERATIONS) {
    const params = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    const query = op.query
      ? Object.keys(op.query.shape).map((name) => ({
          name,
          in: 'query',
          required: false,
          schema: z.toJSONSchema(op.query?.shape[name] as z.ZodType, { io: 'input', unrepresentable: 'any' }),
        }))
      : [];
    const item = paths[op.path] ?? {};
    paths[op.path] = item;
    item[op.method] = {
      summary: op.summary,
      ...(op.access === 'public' ? {} : { security: [{ bearer: [] }], 'x-required-role': op.access }),
      ...(params.length || query.length ? { parameters: [...params, ...query] } : {}),
      ...(op.body
        ? {
            requestBody: {
              required: true,
              content: {
                'application/json': { schema: z.toJSONSchema(op.body, { io: 'input', unrepresentable: 'any' }) },
              },
            },
          }
        : {}),
      responses: {
        [op.ok]: { description: 'Success' },
        '4XX': PROBLEM,
        ...(op.access === 'public' ? {} : { 401: PROBLEM, 403: PROBLEM }),
        429: PROBLEM,
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'DBcarts public API',
      version: '1.0.0',
      description: 'The contract clients build against (shared/api-contract.md).',
    },
    servers: [{ url: '/' }],
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: {
        Problem: {
          type: 'object',
          required: ['type', 'title', 'status', 'code'],
          properties: {
            type: { type: 'string' },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            code: { type: 'string' },
            traceId: { type: 'string' },
          },
        },
      },
    },
  };
}

const esc = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);

/** A plain page over the same list (no external assets: works offline and behind strict CSP). */
export function docsPage(): string {
  const rows = OPERATIONS.map(
    (o) =>
      `<tr><td>${o.method.toUpperCase()}</td><td><code>${esc(o.path)}</code></td><td>${o.access}</td><td>${esc(o.summary)}</td></tr>`,
  ).join('');
  return `<!doctype html><html><head><meta charset="utf-8"><title>DBcarts API</title><style>body{font:14px system-ui;margin:2em}td{padding:.2em 1em;border-bottom:1px solid #ddd}</style></head><body><h1>DBcarts public API</h1><p>Machine-readable: <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI 3.1)</p><table><tr><th>Method</th><th>Path</th><th>Access</th><th>What</th></tr>${rows}</table></body></html>`;
}
