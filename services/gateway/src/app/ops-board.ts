import { OpsAggregator, type OpsSnapshot, type TickInputs } from './ops-snapshot';

/** Where a stream writes (an http.ServerResponse in the route; a fake in tests). */
export interface StreamSink {
  write(chunk: string): boolean;
  end(): void;
  readonly writableLength: number;
}

export interface OpsBoardOptions {
  /** Gathers one tick's inputs; every outbound call inside carries its own timeout. */
  read: () => Promise<Omit<TickInputs, 'now'>>;
  intervalMs?: number;
  /** A comment line this often, so proxies and the browser see the stream alive between snapshots. */
  heartbeatMs?: number;
  /** Streams at once on this instance; more are refused (the route answers 429). */
  maxSubscribers?: number;
  /** Chart points kept and sent to a new subscriber (one a tick: 600 = 10 minutes). */
  historyPoints?: number;
  /** A subscriber that has not read this much of what was sent is dropped (a stalled client). */
  maxBufferedBytes?: number;
  now?: () => number;
  /** Checked every tick: once true the board ends every stream (the gateway is shutting down). */
  closing?: () => boolean;
  onError?: (err: unknown) => void;
}

/** One chart point: per SKU, remaining units and claims a second. */
export interface HistoryPoint {
  at: string;
  drops: { sku: string; remaining: number; claimsPerSecond: number }[];
}

/**
 * The ops stream's hub: one snapshot per tick, computed once whatever the number of subscribers,
 * written to each as a server-sent event. Ticks run only while someone watches. Bounded subscribers,
 * heartbeats, and close() ends every stream (shutdown).
 */
export class OpsBoard {
  private readonly subscribers = new Set<StreamSink>();
  private aggregator = new OpsAggregator();
  private readonly history: HistoryPoint[] = [];
  private latest?: OpsSnapshot;
  private ticker?: NodeJS.Timeout;
  private heartbeat?: NodeJS.Timeout;
  private running = false;
  private closed = false;
  /** Ticks computed since start (tests and the "once per tick" claim read it). */
  ticks = 0;

  constructor(private readonly opts: OpsBoardOptions) {}

  get size(): number {
    return this.subscribers.size;
  }

  get full(): boolean {
    return this.closed || this.subscribers.size >= (this.opts.maxSubscribers ?? 50);
  }

  /** Adds a stream (history and the latest snapshot at once); false when full or closed. */
  subscribe(sink: StreamSink): boolean {
    if (this.full) return false;
    this.subscribers.add(sink);
    // After a quiet spell (nobody watched, no ticks) the last snapshot is old news: not sent.
    if (!this.ticker && this.latest && (this.opts.now ?? Date.now)() - Date.parse(this.latest.at) > 5_000)
      this.latest = undefined;
    sink.write('retry: 3000\n\n');
    if (this.history.length) sink.write(event('history', this.history));
    if (this.latest) sink.write(event('snapshot', this.latest));
    this.start();
    return true;
  }

  unsubscribe(sink: StreamSink): void {
    this.subscribers.delete(sink);
    if (this.subscribers.size === 0) this.stop();
  }

  /** One tick: read, aggregate once, send the same bytes to every subscriber. */
  async tick(): Promise<void> {
    if (this.running || this.closed) return; // a slow read never piles ticks up
    if (this.opts.closing?.()) return this.close();
    this.running = true;
    try {
      const inputs = await this.opts.read();
      const snapshot = this.aggregator.tick({ ...inputs, now: (this.opts.now ?? Date.now)() });
      this.ticks++;
      this.latest = snapshot;
      if (snapshot.drops) {
        this.history.push({
          at: snapshot.at,
          drops: snapshot.drops.map((d) => ({
            sku: d.sku,
            remaining: d.remaining,
            claimsPerSecond: d.claimsPerSecond,
          })),
        });
        if (this.history.length > (this.opts.historyPoints ?? 600)) this.history.shift();
      }
      this.broadcast(event('snapshot', snapshot));
    } catch (err) {
      this.opts.onError?.(err);
    } finally {
      this.running = false;
    }
  }

  /** Ends every stream with a `bye` event and refuses new ones (the gateway is shutting down). */
  close(): void {
    this.closed = true;
    this.stop();
    for (const s of this.subscribers) {
      s.write(event('bye', { reason: 'shutting down' }));
      s.end();
    }
    this.subscribers.clear();
  }

  private broadcast(chunk: string): void {
    const limit = this.opts.maxBufferedBytes ?? 1 << 20;
    for (const s of this.subscribers) {
      if (s.writableLength > limit) {
        // Not reading: drop it rather than buffer without end.
        this.subscribers.delete(s);
        s.end();
        continue;
      }
      s.write(chunk);
    }
    if (this.subscribers.size === 0) this.stop();
  }

  private start(): void {
    if (this.ticker) return;
    // Rates start afresh: a baseline from before a quiet spell would average over all of it.
    this.aggregator = new OpsAggregator();
    void this.tick();
    this.ticker = setInterval(() => void this.tick(), this.opts.intervalMs ?? 1000);
    this.heartbeat = setInterval(() => this.broadcast(': heartbeat\n\n'), this.opts.heartbeatMs ?? 15_000);
    this.ticker.unref();
    this.heartbeat.unref();
  }

  private stop(): void {
    clearInterval(this.ticker);
    clearInterval(this.heartbeat);
    this.ticker = undefined;
    this.heartbeat = undefined;
  }
}

const event = (name: string, data: unknown) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
