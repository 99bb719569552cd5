import { describe, expect, it } from 'vitest';
import { OpsBoard, type StreamSink } from './ops-board';

class Sink implements StreamSink {
  readonly chunks: string[] = [];
  ended = false;
  constructor(readonly writableLength = 0) {}
  write(chunk: string): boolean {
    this.chunks.push(chunk);
    return true;
  }
  end(): void {
    this.ended = true;
  }
}
const sink = (buffered = 0) => new Sink(buffered);
const snapshots = (chunks: string[]) =>
  chunks.filter((c) => c.startsWith('event: snapshot')).map((c) => JSON.parse(c.slice(c.indexOf('data: ') + 6)));

describe('OpsBoard', () => {
  it('after a quiet spell sends no stale snapshot and starts its rates afresh', async () => {
    let now = 1_000_000;
    let claimed = 0;
    const board = new OpsBoard({
      intervalMs: 60_000,
      now: () => now,
      read: async () => ({
        sources: [
          {
            service: 'gateway',
            samples: [{ name: 'dbcarts_gateway_flash_claims_total', labels: { outcome: 'claimed' }, value: claimed }],
          },
        ],
        claimsBySku: new Map(),
        slowCheckouts: [],
      }),
    });
    const a = sink();
    board.subscribe(a);
    await new Promise((r) => setTimeout(r, 10));
    now += 1_000;
    claimed = 10;
    await board.tick();
    expect(snapshots(a.chunks).at(-1).claims.perSecond).toBe(10);
    board.unsubscribe(a);

    now += 600_000; // ten minutes nobody watched
    claimed = 1_000;
    const b = sink();
    board.subscribe(b);
    await new Promise((r) => setTimeout(r, 10));
    const got = snapshots(b.chunks);
    expect(got.map((s) => s.at)).toEqual([new Date(now).toISOString()]);
    // Not 990 claims over ten minutes presented as a rate: no baseline yet.
    expect(got[0].claims.perSecond).toBe(0);
    expect(got[0].windowSeconds).toBe(0);
    board.close();
    expect(b.ended).toBe(true);
  });

  it('drops a subscriber that stopped reading instead of buffering for it', async () => {
    const board = new OpsBoard({
      intervalMs: 60_000,
      maxBufferedBytes: 100,
      read: async () => ({ sources: [], claimsBySku: new Map(), slowCheckouts: [] }),
    });
    const slow = sink(1_000);
    const fast = sink();
    board.subscribe(slow);
    board.subscribe(fast);
    await board.tick();
    expect(slow.ended).toBe(true);
    expect(board.size).toBe(1);
    board.close();
  });
});
