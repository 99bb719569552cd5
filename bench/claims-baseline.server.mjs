// Same-run baseline for flash-drop: what most shops build for a drop — one express endpoint that
// checks the customer's access token (the same ES256 token, verified with jose like the gateway) and
// decides the claim with one Lua script on Redis: idempotent per claim id, at most `limit` units per
// customer, never more than the drop's units. One HTTP request is one claim, as on the platform.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const express = require('express');
const { Redis } = require('ioredis');
const { importJWK, jwtVerify } = require('jose');

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { db: Number(process.env.REDIS_DB ?? 0) });
const publicKey = await importJWK(JSON.parse(process.env.CLAIMS_PUBLIC_JWK), 'ES256');
const issuer = process.env.CLAIMS_ISSUER;
// KEYS: drop hash {units, sold, limit}, per-customer counts, claims by id. Same rules as the actor.
redis.defineCommand('claim', {
  numberOfKeys: 3,
  lua: `
    local prev = redis.call('HGET', KEYS[3], ARGV[1])
    if prev then return {1, 1} end
    local q = tonumber(ARGV[3])
    local held = tonumber(redis.call('HGET', KEYS[2], ARGV[2]) or '0')
    if held + q > tonumber(redis.call('HGET', KEYS[1], 'limit')) then return {0, 1} end
    local sold = tonumber(redis.call('HGET', KEYS[1], 'sold'))
    if sold + q > tonumber(redis.call('HGET', KEYS[1], 'units')) then return {0, 2} end
    redis.call('HINCRBY', KEYS[1], 'sold', q)
    redis.call('HINCRBY', KEYS[2], ARGV[2], q)
    redis.call('HSET', KEYS[3], ARGV[1], q)
    return {1, 0}`,
});

const app = express();
app.use(express.json());
app.put('/drops/:sku', async (req, res) => {
  const { units, limit } = req.body;
  await redis.del(`drop:${req.params.sku}`, `drop:${req.params.sku}:customers`, `drop:${req.params.sku}:claims`);
  await redis.hset(`drop:${req.params.sku}`, { units, sold: 0, limit });
  res.json({ ok: true });
});
app.get('/drops/:sku', async (req, res) => {
  const d = await redis.hgetall(`drop:${req.params.sku}`);
  res.json({
    units: Number(d.units ?? 0),
    sold: Number(d.sold ?? 0),
    claims: await redis.hlen(`drop:${req.params.sku}:claims`),
  });
});
app.post('/api/flash-sales/:sku/claims', async (req, res) => {
  let sub;
  try {
    const token = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1] ?? '';
    ({
      payload: { sub },
    } = await jwtVerify(token, publicKey, { issuer, audience: 'dbcarts-api' }));
  } catch {
    return res.status(401).json({ code: 'AUTH.UNAUTHENTICATED' });
  }
  const key = req.get('idempotency-key');
  if (!key) return res.status(400).json({ code: 'IDEMPOTENCY.KEY_MISSING' });
  const sku = req.params.sku;
  const quantity = Number(req.body?.quantity ?? 1);
  const claimId = `c.${sub}.${key}`;
  const [ok, why] = await redis.claim(
    `drop:${sku}`,
    `drop:${sku}:customers`,
    `drop:${sku}:claims`,
    claimId,
    sub,
    quantity,
  );
  if (ok) return res.status(201).json({ claimId, sku, quantity, replayed: why === 1 });
  res.status(409).json({ code: why === 1 ? 'FLASH_SALE.LIMIT_EXCEEDED' : 'FLASH_SALE.SOLD_OUT' });
});
const server = app.listen(Number(process.env.PORT), '127.0.0.1', () => process.send?.('ready'));
process.on('SIGTERM', () => {
  server.close();
  redis.disconnect();
});
