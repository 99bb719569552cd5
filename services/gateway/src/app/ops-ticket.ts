import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Stream tickets: EventSource cannot send an Authorization header, so the board first POSTs (with
 * its admin token) for a ticket and opens the stream with `?ticket=`. A ticket is
 * `<subject>.<expiry ms>.<nonce>.<HMAC-SHA256>`: it opens the ops stream only, for `ttlMs`
 * (30 s), once per gateway instance. Safer than the access token in the URL, where it would sit in
 * access logs, proxies and history as a bearer for the whole API for its 5 minutes.
 * The key is derived from a secret every gateway instance shares (the Dapr app API token), so a
 * ticket from one instance opens the stream on another behind a load balancer; without one
 * (in-process tests) a random key of this process.
 */
export class StreamTickets {
  private readonly key: Buffer;
  private readonly used = new Map<string, number>();

  constructor(
    secret: string | undefined,
    private readonly ttlMs = 30_000,
  ) {
    this.key = createHmac('sha256', secret ?? randomBytes(32))
      .update('dbcarts ops stream ticket v1')
      .digest();
  }

  issue(subject: string, now = Date.now()): { ticket: string; expiresAt: string } {
    const exp = now + this.ttlMs;
    const body = `${Buffer.from(subject).toString('base64url')}.${exp}.${randomBytes(12).toString('base64url')}`;
    return { ticket: `${body}.${this.sign(body)}`, expiresAt: new Date(exp).toISOString() };
  }

  /** The ticket's subject when it is genuine, unexpired and not used before here; undefined otherwise. */
  redeem(ticket: unknown, now = Date.now()): string | undefined {
    if (typeof ticket !== 'string' || ticket.length > 512) return undefined;
    const parts = ticket.split('.');
    if (parts.length !== 4) return undefined;
    const [sub, exp, nonce, mac] = parts as [string, string, string, string];
    const expected = Buffer.from(this.sign(`${sub}.${exp}.${nonce}`));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    const expiry = Number(exp);
    if (!Number.isSafeInteger(expiry) || expiry <= now) return undefined;
    for (const [n, e] of this.used) if (e <= now) this.used.delete(n);
    if (this.used.has(nonce)) return undefined;
    this.used.set(nonce, expiry);
    return Buffer.from(sub, 'base64url').toString();
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}
