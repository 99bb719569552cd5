// Same-run baseline for flash-sale: what most shops build instead of an actor: an express endpoint doing the same
// conditional, idempotent decrement as one Lua script on Redis. Runs in its own process.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const express = require('express');
const { Redis } = require('ioredis');

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { db: Number(process.env.REDIS_DB ?? 0) });
// KEYS[1] stock hash {onHand, reserved}; KEYS[2] reservations hash. Same rules as the actor:
// a replayed id answers its first result; refuse when quantity exceeds onHand - reserved.
redis.defineCommand('reserve', {
  numberOfKeys: 2,
  lua: `
    local prev = redis.call('HGET', KEYS[2], ARGV[1])
    if prev then return {1, tonumber(prev), 1} end
    local onHand = tonumber(redis.call('HGET', KEYS[1], 'onHand') or '0')
    local reserved = tonumber(redis.call('HGET', KEYS[1], 'reserved') or '0')
    local q = tonumber(ARGV[2])
    if q > onHand - reserved then return {0, onHand - reserved, 0} end
    redis.call('HINCRBY', KEYS[1], 'reserved', q)
    redis.call('HSET', KEYS[2], ARGV[1], q)
    return {1, q, 0}`,
});

const app = express();
app.use(express.json());
app.put('/stock/:sku', async (req, res) => {
  await redis.del(`lua:res:${req.params.sku}`);
  await redis.hset(`lua:stock:${req.params.sku}`, { onHand: req.body.onHand, reserved: 0 });
  res.json({ ok: true });
});
app.get('/stock/:sku', async (req, res) => {
  const s = await redis.hgetall(`lua:stock:${req.params.sku}`);
  res.json({ onHand: Number(s.onHand ?? 0), reserved: Number(s.reserved ?? 0) });
});
app.post('/reservations', async (req, res) => {
  const { sku, reservationId, quantity } = req.body;
  const [ok, n] = await redis.reserve(`lua:stock:${sku}`, `lua:res:${sku}`, reservationId, quantity);
  if (ok) return res.status(201).json({ reservationId, sku, quantity: n, status: 'held' });
  res.status(409).json({ code: 'INVENTORY.INSUFFICIENT', available: n });
});
const server = app.listen(Number(process.env.PORT), '127.0.0.1', () => process.send?.('ready'));
process.on('SIGTERM', () => {
  server.close();
  redis.disconnect();
});
