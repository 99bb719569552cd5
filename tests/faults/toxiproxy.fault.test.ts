import { mkdtempSync } from 'node:fs';
import { createServer, type Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Toxiproxy } from './support/toxiproxy';

// The harness itself: each fault the scenarios rely on, through a real toxiproxy-server in front of
// a local TCP echo server, does what the scenario assumes it does (a test that injected nothing
// would pass for the wrong reason).
let toxi: Toxiproxy;
let echo: Server;
let port: number;

beforeAll(async () => {
  toxi = await Toxiproxy.start(resolve(__dirname, '..', '..'), join(mkdtempSync(join(tmpdir(), 'toxi-')), 'log'));
  echo = createServer((s) => {
    s.on('error', () => undefined); // the proxy resets connections on purpose (reset_peer, disable)
    s.pipe(s);
  });
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
  const upstream = echo.address() as { port: number };
  port = (await toxi.proxy('echo', `127.0.0.1:${upstream.port}`)).port;
}, 30_000);
afterAll(async () => {
  await toxi?.stop();
  echo?.close();
});

/** Sends `bytes` and waits for them to come back; how long it took, or how it failed. */
function roundTrip(bytes: number, withinMs = 5000): Promise<{ ms: number } | { error: string }> {
  return new Promise((done) => {
    const started = Date.now();
    const s = new Socket();
    let got = 0;
    const timer = setTimeout(() => {
      s.destroy();
      done({ error: 'no answer' });
    }, withinMs);
    s.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      done({ error: e.code ?? e.message });
    });
    s.on('close', () => {
      clearTimeout(timer);
      if (got < bytes) done({ error: 'closed' });
    });
    s.on('data', (d) => {
      got += d.length;
      if (got >= bytes) {
        clearTimeout(timer);
        s.destroy();
        done({ ms: Date.now() - started });
      }
    });
    s.connect(port, '127.0.0.1', () => s.write(Buffer.alloc(bytes, 1)));
  });
}

describe('Toxiproxy harness', () => {
  it('latency delays, timeout black-holes, reset_peer resets, bandwidth throttles, disable refuses; reset heals', async () => {
    expect(await roundTrip(10)).toMatchObject({ ms: expect.any(Number) });

    await toxi.addToxic('echo', { name: 'lat', type: 'latency', attributes: { latency: 400, jitter: 0 } });
    const slow = (await roundTrip(10)) as { ms: number };
    expect(slow.ms).toBeGreaterThanOrEqual(380);
    await toxi.removeToxic('echo', 'lat');

    await toxi.partition('echo');
    expect(await roundTrip(10, 1000)).toEqual({ error: 'no answer' });
    await toxi.heal('echo');

    await toxi.addToxic('echo', { name: 'rst', type: 'reset_peer', stream: 'upstream', attributes: { timeout: 0 } });
    expect(await roundTrip(10)).toEqual({ error: 'ECONNRESET' });
    await toxi.removeToxic('echo', 'rst');

    // 100 KB back at 50 KB/s: about two seconds.
    await toxi.addToxic('echo', { name: 'bw', type: 'bandwidth', attributes: { rate: 50 } });
    const throttled = (await roundTrip(100_000, 10_000)) as { ms: number };
    expect(throttled.ms).toBeGreaterThanOrEqual(1500);
    await toxi.removeToxic('echo', 'bw');

    await toxi.setEnabled('echo', false);
    expect(await roundTrip(10)).toEqual({ error: 'ECONNREFUSED' });
    await toxi.addToxic('echo', { name: 'lat', type: 'latency', attributes: { latency: 1000 } });
    await toxi.reset(); // enabled again, every toxic gone
    const healed = (await roundTrip(10)) as { ms: number };
    expect(healed.ms).toBeLessThan(500);
  }, 30_000);
});
