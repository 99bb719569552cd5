// Same-run baseline for bench/checkout: what a monolith does for the same customer request, in its own
// process. POST /api/orders with the same bearer token (ES256, verified against the platform's JWKS and
// remembered until it expires, as the gateway does), the same Idempotency-Key and body; then ONE MariaDB
// transaction (its own bench database): claim the key, price the lines, read the customer's email,
// reserve every line as ONE Redis Lua script (conditional decrement, idempotent by order id; the run's
// leased Redis database, its own key prefix), authorize with the test provider in-process (a payment row
// and its two ledger postings), insert the order, its lines and two outbox rows (orders.placed,
// orders.confirmed), store the answer under the key, commit. A refusal or fault after the reservation
// gives the units back (second script). The outbox is not relayed here: no invoice, no history.
import { createHash, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const express = require('express');
const mysql = require('mysql2/promise');
const { Redis } = require('ioredis');
const { createLocalJWKSet, jwtVerify } = require('jose');
const { z } = require('zod');

const PREFIX = process.env.KEY_PREFIX ?? 'mono';
const STOCK = `${PREFIX}:stock`; // hash sku → units left
const HELD = `${PREFIX}:reservations`; // hash orderId → "sku=q,sku=q"
const pool = mysql.createPool({
  uri: process.env.DB_URL,
  connectionLimit: Number(process.env.DB_POOL ?? 20),
  timezone: 'Z',
});
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { db: Number(process.env.REDIS_DB ?? 0) });
// ARGV[1] order id, then sku, quantity pairs. All lines or none; a replayed id answers its first result.
redis.defineCommand('reserveOrder', {
  numberOfKeys: 2,
  lua: `
    if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 then return {1, 0} end
    for i = 2, #ARGV, 2 do
      local left = tonumber(redis.call('HGET', KEYS[1], ARGV[i]) or '0')
      if tonumber(ARGV[i + 1]) > left then return {0, i / 2} end
    end
    local held = {}
    for i = 2, #ARGV, 2 do
      redis.call('HINCRBY', KEYS[1], ARGV[i], -tonumber(ARGV[i + 1]))
      held[#held + 1] = ARGV[i] .. '=' .. ARGV[i + 1]
    end
    redis.call('HSET', KEYS[2], ARGV[1], table.concat(held, ','))
    return {1, 0}`,
});
redis.defineCommand('releaseOrder', {
  numberOfKeys: 2,
  lua: `
    local held = redis.call('HGET', KEYS[2], ARGV[1])
    if not held then return 0 end
    for sku, q in string.gmatch(held, '([^,=]+)=(%d+)') do redis.call('HINCRBY', KEYS[1], sku, tonumber(q)) end
    redis.call('HDEL', KEYS[2], ARGV[1])
    return 1`,
});

const keySet = createLocalJWKSet(JSON.parse(process.env.JWKS));
const verified = new Map();
async function principal(req) {
  const header = req.get('authorization') ?? '';
  const token = header.startsWith('Bearer ') ? header.slice(7) : '';
  if (!token) return undefined;
  const hit = verified.get(token);
  if (hit && hit.exp > Date.now() / 1000) return hit;
  try {
    const { payload } = await jwtVerify(token, keySet, {
      algorithms: ['ES256'],
      issuer: process.env.ISSUER,
      audience: process.env.AUDIENCE ?? 'dbcarts-api',
      requiredClaims: ['sub', 'exp', 'iat'],
      typ: 'at+jwt',
    });
    const p = { sub: payload.sub, roles: Array.isArray(payload.roles) ? payload.roles : [], exp: payload.exp };
    if (verified.size >= 50_000) verified.clear();
    verified.set(token, p);
    return p;
  } catch {
    return undefined;
  }
}

// The platform's body rules (services/orders/contract), test provider only.
const Sku = z.string().regex(/^[A-Z0-9][A-Z0-9-]{1,63}$/);
const Body = z.strictObject({
  items: z
    .array(z.strictObject({ sku: Sku, quantity: z.int().min(1).max(100) }))
    .min(1)
    .max(50)
    .refine((items) => new Set(items.map((i) => i.sku)).size === items.length, 'each SKU at most once'),
  shippingAddress: z.strictObject({
    name: z.string().trim().min(1).max(200),
    line1: z.string().trim().min(1).max(200),
    line2: z.string().trim().max(200).optional(),
    city: z.string().trim().min(1).max(100),
    postalCode: z.string().trim().min(1).max(20),
    country: z.string().regex(/^[A-Z]{2}$/),
  }),
  payment: z.strictObject({ provider: z.literal('test'), token: z.string().min(1).max(500) }),
});
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** The test provider, in-process: tok_chargeDeclined is declined, any other token authorized. */
const testProvider = (token) => (token === 'tok_chargeDeclined' ? { ok: false } : { ok: true, ref: randomUUID() });

class Refused extends Error {
  constructor(status, code, detail) {
    super(detail);
    this.status = status;
    this.code = code;
  }
}

async function place(customerId, key, body) {
  const hash = createHash('sha256').update('POST /orders\n').update(JSON.stringify(body)).digest('hex');
  const orderId = randomUUID();
  const conn = await pool.getConnection();
  let reserved = false;
  try {
    await conn.beginTransaction();
    try {
      await conn.execute(
        'INSERT INTO idempotency_keys (customer_id, idem_key, request_hash, order_id, created_at) VALUES (?, ?, ?, ?, NOW(3))',
        [customerId, key, hash, orderId],
      );
    } catch (e) {
      if (e.code !== 'ER_DUP_ENTRY') throw e;
      await conn.rollback();
      const [[row]] = await conn.execute(
        'SELECT request_hash, response_status, response_body FROM idempotency_keys WHERE customer_id = ? AND idem_key = ?',
        [customerId, key],
      );
      if (row.request_hash !== hash) throw new Refused(422, 'IDEMPOTENCY.KEY_REUSED', 'Key used for another request');
      return { status: row.response_status, body: JSON.parse(row.response_body), replayed: true };
    }
    const skus = body.items.map((i) => i.sku);
    const [products] = await conn.query('SELECT sku, name, price, currency FROM products WHERE sku IN (?)', [skus]);
    const bySku = new Map(products.map((p) => [p.sku, p]));
    const [[customer]] = await conn.execute('SELECT email FROM customers WHERE id = ?', [customerId]);
    if (!customer) throw new Refused(403, 'AUTH.FORBIDDEN', 'Unknown customer');
    const lines = body.items.map((i) => {
      const p = bySku.get(i.sku);
      if (!p) throw new Refused(422, 'ORDER.UNKNOWN_PRODUCT', `Unknown product ${i.sku}`);
      return { sku: i.sku, name: p.name, quantity: i.quantity, unitPrice: Number(p.price), currency: p.currency };
    });
    const currency = lines[0].currency;
    const total = lines.reduce((s, l) => s + l.unitPrice * l.quantity, 0);

    const [ok] = await redis.reserveOrder(STOCK, HELD, orderId, ...lines.flatMap((l) => [l.sku, l.quantity]));
    if (!ok) throw new Refused(409, 'INVENTORY.INSUFFICIENT', 'Not enough stock for this order.');
    reserved = true;
    const auth = testProvider(body.payment.token);
    if (!auth.ok) throw new Refused(402, 'PAYMENT.DECLINED', 'The card was declined.');

    const now = new Date();
    const response = {
      id: orderId,
      status: 'confirmed',
      currency,
      items: lines.map((l) => ({
        sku: l.sku,
        name: l.name,
        quantity: l.quantity,
        unitPrice: { amount: l.unitPrice, currency },
      })),
      subtotal: { amount: total, currency },
      discount: { amount: 0, currency },
      total: { amount: total, currency },
      shippingAddress: body.shippingAddress,
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    };
    await conn.execute(
      `INSERT INTO orders (id, customer_id, customer_email, status, currency, subtotal, discount, total,
         shipping_address, payment_provider, version, created_at, updated_at)
       VALUES (?, ?, ?, 'confirmed', ?, ?, 0, ?, ?, 'test', 1, ?, ?)`,
      [orderId, customerId, customer.email, currency, total, total, JSON.stringify(body.shippingAddress), now, now],
    );
    await conn.query('INSERT INTO order_lines (order_id, line_no, sku, name, quantity, unit_price) VALUES ?', [
      lines.map((l, n) => [orderId, n, l.sku, l.name, l.quantity, l.unitPrice]),
    ]);
    await conn.execute(
      `INSERT INTO payments (order_id, customer_id, provider, currency, amount, status, provider_ref)
       VALUES (?, ?, 'test', ?, ?, 'authorized', ?)`,
      [orderId, customerId, currency, total, auth.ref],
    );
    const journal = `${orderId}:authorize`;
    await conn.query('INSERT INTO ledger_entries (order_id, journal, account, debit, credit, currency) VALUES ?', [
      [
        [orderId, journal, 'held', total, 0, currency],
        [orderId, journal, 'customer_funds', 0, total, currency],
      ],
    ]);
    const event = JSON.stringify({ orderId, customerId, status: 'confirmed', total: response.total, items: lines });
    await conn.query('INSERT INTO outbox (event_id, topic, payload) VALUES ?', [
      [
        [randomUUID(), 'orders.placed', event],
        [randomUUID(), 'orders.confirmed', event],
      ],
    ]);
    await conn.execute(
      'UPDATE idempotency_keys SET response_status = 201, response_body = ? WHERE customer_id = ? AND idem_key = ?',
      [JSON.stringify(response), customerId, key],
    );
    await conn.commit();
    return { status: 201, body: response, replayed: false };
  } catch (e) {
    await conn.rollback().catch(() => undefined);
    // Nothing of the order was committed: the units go back (the refused request may be retried).
    if (reserved) await redis.releaseOrder(STOCK, HELD, orderId);
    throw e;
  } finally {
    conn.release();
  }
}

const problem = (res, status, code, detail) =>
  res.status(status).type('application/problem+json').json({ code, detail });

const app = express();
app.disable('x-powered-by');
app.use(express.json({ limit: '64kb' }));
app.post('/api/orders', async (req, res) => {
  const who = await principal(req);
  if (!who) return problem(res, 401, 'AUTH.UNAUTHENTICATED', 'A valid Bearer access token is required');
  if (!who.roles.includes('customer')) return problem(res, 403, 'AUTH.FORBIDDEN', 'This needs the customer role');
  const key = req.get('idempotency-key');
  if (!key || !IDEMPOTENCY_KEY.test(key)) return problem(res, 400, 'IDEMPOTENCY.KEY_MISSING', 'Idempotency-Key');
  const body = Body.safeParse(req.body);
  if (!body.success) return problem(res, 400, 'VALIDATION.FAILED', body.error.message);
  try {
    const r = await place(who.sub, key, body.data);
    if (r.replayed) res.set('Idempotent-Replayed', 'true');
    res.status(r.status).json(r.body);
  } catch (e) {
    if (e instanceof Refused) return problem(res, e.status, e.code, e.message);
    console.error(`[monolith] ${e.stack ?? e}`);
    problem(res, 503, 'DEPENDENCY.UNAVAILABLE', 'Try again');
  }
});

async function schema() {
  const tables = [
    `CREATE TABLE IF NOT EXISTS products (sku VARCHAR(64) NOT NULL PRIMARY KEY, name VARCHAR(200) NOT NULL,
       price BIGINT NOT NULL, currency CHAR(3) NOT NULL) ENGINE=InnoDB`,
    `CREATE TABLE IF NOT EXISTS customers (id VARCHAR(64) NOT NULL PRIMARY KEY, email VARCHAR(320) NOT NULL) ENGINE=InnoDB`,
    `CREATE TABLE IF NOT EXISTS idempotency_keys (customer_id VARCHAR(64) NOT NULL, idem_key VARCHAR(255) NOT NULL,
       request_hash CHAR(64) NOT NULL, order_id CHAR(36) NOT NULL, response_status SMALLINT UNSIGNED NULL,
       response_body LONGTEXT NULL, created_at DATETIME(3) NOT NULL, PRIMARY KEY (customer_id, idem_key)) ENGINE=InnoDB`,
    `CREATE TABLE IF NOT EXISTS orders (id CHAR(36) NOT NULL PRIMARY KEY, customer_id VARCHAR(64) NOT NULL,
       customer_email VARCHAR(320) NOT NULL, status VARCHAR(16) NOT NULL, currency CHAR(3) NOT NULL,
       subtotal BIGINT NOT NULL, discount BIGINT NOT NULL, total BIGINT NOT NULL, shipping_address JSON NOT NULL,
       payment_provider VARCHAR(16) NOT NULL, version INT UNSIGNED NOT NULL, created_at DATETIME(3) NOT NULL,
       updated_at DATETIME(3) NOT NULL, KEY idx_orders_customer (customer_id, created_at)) ENGINE=InnoDB`,
    `CREATE TABLE IF NOT EXISTS order_lines (order_id CHAR(36) NOT NULL, line_no SMALLINT UNSIGNED NOT NULL,
       sku VARCHAR(64) NOT NULL, name VARCHAR(200) NOT NULL, quantity INT UNSIGNED NOT NULL,
       unit_price BIGINT NOT NULL, PRIMARY KEY (order_id, line_no)) ENGINE=InnoDB`,
    `CREATE TABLE IF NOT EXISTS payments (order_id CHAR(36) NOT NULL PRIMARY KEY, customer_id VARCHAR(64) NOT NULL,
       provider VARCHAR(16) NOT NULL, currency CHAR(3) NOT NULL, amount BIGINT NOT NULL, status VARCHAR(20) NOT NULL,
       provider_ref VARCHAR(255) NULL, created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)) ENGINE=InnoDB`,
    `CREATE TABLE IF NOT EXISTS ledger_entries (id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
       order_id CHAR(36) NOT NULL, journal VARCHAR(160) NOT NULL, account VARCHAR(20) NOT NULL,
       debit BIGINT NOT NULL DEFAULT 0, credit BIGINT NOT NULL DEFAULT 0, currency CHAR(3) NOT NULL,
       UNIQUE KEY uq_ledger_journal_account (journal, account), KEY ix_ledger_order (order_id)) ENGINE=InnoDB`,
    `CREATE TABLE IF NOT EXISTS outbox (seq BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
       event_id VARCHAR(200) NOT NULL, topic VARCHAR(200) NOT NULL, payload LONGTEXT NOT NULL,
       created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)) ENGINE=InnoDB`,
  ];
  for (const sql of tables) await pool.query(sql);
}

await schema();
const server = app.listen(Number(process.env.PORT), '127.0.0.1', () => process.send?.('ready'));
server.keepAliveTimeout = 65_000;
process.on('SIGTERM', () => {
  server.close();
  redis.disconnect();
  void pool.end();
  setTimeout(() => process.exit(0), 500).unref();
});
