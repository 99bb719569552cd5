import { describe, expect, it } from 'vitest';
import { KdfBusyError } from '../domain/user';
import { KdfQueue } from './kdf-queue';

/** A KDF stand-in the test finishes by hand, so the queue's state can be read between steps. */
function gatedWork() {
  const pending: (() => void)[] = [];
  let running = 0;
  let peak = 0;
  const work = () =>
    new Promise<void>((resolve) => {
      running++;
      peak = Math.max(peak, running);
      pending.push(() => {
        running--;
        resolve();
      });
    });
  const finishOne = async () => {
    pending.shift()?.();
    await new Promise((r) => setTimeout(r, 0));
  };
  return { work, finishOne, peak: () => peak, running: () => running };
}

describe('KdfQueue', () => {
  it('refuses at once past concurrency + queue limit (AUTH.BUSY, 503 kind, Retry-After), and admits again once a place frees', async () => {
    const q = new KdfQueue({ concurrency: 2, queueLimit: 3, registrationLimit: 5 });
    const w = gatedWork();
    const runs = Array.from({ length: 5 }, () => q.admit('login').run(w.work));
    let refused: unknown;
    try {
      q.admit('login');
    } catch (e) {
      refused = e;
    }
    expect(refused).toBeInstanceOf(KdfBusyError);
    expect(refused).toMatchObject({ code: 'AUTH.BUSY', kind: 'unavailable' });
    expect((refused as KdfBusyError).details.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(() => q.admit('register')).toThrow(KdfBusyError);

    await new Promise((r) => setTimeout(r, 0));
    expect(w.running()).toBe(2); // never more KDFs at once than cores were given
    await w.finishOne();
    const sixth = q.admit('login').run(w.work);
    for (let i = 0; i < 5; i++) await w.finishOne();
    await Promise.all([...runs, sixth]);
    expect(w.peak()).toBe(2);
  });

  it('lets registrations take only their share: logins are admitted while registrations flood', () => {
    const q = new KdfQueue({ concurrency: 1, queueLimit: 7, registrationLimit: 4 });
    const w = gatedWork();
    for (let i = 0; i < 4; i++) void q.admit('register').run(w.work);
    expect(() => q.admit('register')).toThrow(KdfBusyError);
    // The other half of the places stays for logins.
    for (let i = 0; i < 4; i++) expect(() => q.admit('login')).not.toThrow();
    expect(() => q.admit('login')).toThrow(KdfBusyError);
  });

  it('gives a place back when a ticket is released without running (a refused login costs no KDF)', () => {
    const q = new KdfQueue({ concurrency: 1, queueLimit: 0, registrationLimit: 1 });
    const t = q.admit('login');
    expect(() => q.admit('login')).toThrow(KdfBusyError);
    t.release();
    t.release(); // idempotent: a second release frees nothing that is not held
    const again = q.admit('login');
    expect(() => q.admit('login')).toThrow(KdfBusyError);
    again.release();
  });

  it('runs the waiting work of a lane in arrival order, and a failing KDF frees its place', async () => {
    const q = new KdfQueue({ concurrency: 1, queueLimit: 5, registrationLimit: 6 });
    const order: number[] = [];
    const first = q.admit('login').run(async () => {
      throw new Error('kdf failed');
    });
    const rest = [1, 2, 3].map((n) => q.admit('login').run(async () => void order.push(n)));
    await expect(first).rejects.toThrow('kdf failed');
    await Promise.all(rest);
    expect(order).toEqual([1, 2, 3]);
    for (let i = 0; i < 6; i++) q.admit('login'); // every place is free again
  });

  it('lets waiting logins overtake waiting registrations: a login waits for one running KDF, not for the flood', async () => {
    const q = new KdfQueue({ concurrency: 1, queueLimit: 10, registrationLimit: 8 });
    const w = gatedWork();
    const order: string[] = [];
    const runs = [
      ...Array.from({ length: 5 }, (_, i) =>
        q.admit('register').run(async () => {
          await w.work();
          order.push(`r${i}`);
        }),
      ),
      q.admit('login').run(async () => {
        await w.work();
        order.push('login');
      }),
    ];
    await new Promise((r) => setTimeout(r, 0));
    for (let i = 0; i < 6; i++) await w.finishOne();
    await Promise.all(runs);
    expect(order).toEqual(['r0', 'login', 'r1', 'r2', 'r3', 'r4']);
  });

  it('refuses a caller that waited past maxWaitMs with AUTH.BUSY (before its caller gives up), and frees its place', async () => {
    const q = new KdfQueue({ concurrency: 1, queueLimit: 2, registrationLimit: 3, maxWaitMs: 30 });
    const w = gatedWork();
    const running = q.admit('login').run(w.work);
    const waited = q.admit('register').run(w.work);
    await expect(waited).rejects.toBeInstanceOf(KdfBusyError);
    await expect(waited).rejects.toMatchObject({ code: 'AUTH.BUSY' });
    q.admit('register').release(); // its place was given back
    q.admit('login').release();
    await w.finishOne();
    await running;
    expect(w.peak()).toBe(1);
  });
});
