import { describe, expect, it } from 'vitest';
import { jaegerTraceUrl, OpsRecorder } from './ops-recorder';
import { StreamTickets } from './ops-ticket';

describe('OpsRecorder', () => {
  it('keeps the slowest recent checkouts with a link to each trace, and forgets old ones', () => {
    const r = new OpsRecorder({ keep: 2, windowMs: 60_000, traceUrl: jaegerTraceUrl('http://jaeger:16686/') });
    r.checkout(120, 201, 'a'.repeat(32), 0);
    r.checkout(900, 201, 'b'.repeat(32), 1_000);
    r.checkout(50, 402, undefined, 2_000); // faster than both: not kept
    r.checkout(400, 202, 'c'.repeat(32), 3_000);
    expect(r.slowest(3_000).map((c) => [c.durationMs, c.traceUrl])).toEqual([
      [900, `http://jaeger:16686/trace/${'b'.repeat(32)}`],
      [400, `http://jaeger:16686/trace/${'c'.repeat(32)}`],
    ]);
    expect(r.slowest(62_000).map((c) => c.durationMs)).toEqual([400]);
  });

  it('counts claims per SKU up to its bound', () => {
    const r = new OpsRecorder({ maxSkus: 2 });
    for (const sku of ['A', 'A', 'B', 'C']) r.claimed(sku);
    expect([...r.claimsBySku]).toEqual([
      ['A', 2],
      ['B', 1],
    ]);
  });
});

describe('StreamTickets', () => {
  it('opens once, only before expiry, only when signed with the shared secret', () => {
    const t = new StreamTickets('a-shared-secret-of-16+', 30_000);
    const { ticket } = t.issue('admin-1', 0);
    expect(new StreamTickets('another-secret-of-16+').redeem(ticket, 1)).toBeUndefined();
    expect(t.redeem(ticket, 30_000)).toBeUndefined(); // expired
    // Another instance with the same secret takes it (a load balancer may send the stream elsewhere).
    expect(new StreamTickets('a-shared-secret-of-16+').redeem(ticket, 1)).toBe('admin-1');
    expect(t.redeem(ticket, 1)).toBe('admin-1');
    expect(t.redeem(ticket, 2)).toBeUndefined(); // used
    const [sub, exp, nonce, mac] = t.issue('admin-1', 0).ticket.split('.');
    expect(t.redeem(`${sub}.${Number(exp) + 1}.${nonce}.${mac}`, 1)).toBeUndefined(); // tampered expiry
    expect(t.redeem('not a ticket', 1)).toBeUndefined();
    expect(t.redeem(['x'], 1)).toBeUndefined();
  });
});
