import type { InventoryClient } from '@dbcarts/inventory/client';
import type { RelayedAnswer } from '@dbcarts/orders/client';

export interface Checkout {
  customerId: string;
  key: string;
  body: unknown;
}

export interface CheckoutQueueOptions {
  /** Checkouts in flight to the orders service from this instance; the rest wait in arrival order. */
  concurrency: number;
  /** Waiting checkouts beyond which a new one is refused (503 CHECKOUT.BUSY): memory stays bounded. */
  maxWaiting: number;
  /** How long a queued request waits for its answer before it gets 202 and a status URL instead. */
  syncWaitMs: number;
  /** Told when a checkout starts waiting, and every `renewEveryMs` while it waits (claims renew). */
  onWaiting?: (c: Checkout) => void;
  renewEveryMs?: number;
  /** Told when a checkout that waited failed without an answer (the orders service unreachable). */
  onFailed?: (c: Checkout, err: unknown) => void;
}

export type Submitted = { answer: RelayedAnswer } | { queued: QueuePosition } | { refused: 'full' };
export interface QueuePosition {
  /** Checkouts admitted before this one still to go (0: being placed now). */
  position: number;
  estimatedWaitSeconds: number;
}

interface Entry {
  c: Checkout;
  seq: number;
  answer: Deferred<RelayedAnswer>;
  admitted: boolean;
}

/**
 * The checkout queue of a drop, per gateway instance. A checkout runs at once while fewer than
 * `concurrency` are in flight; beyond that it waits in arrival order (FIFO: each admission takes the
 * oldest), and a request still waiting after `syncWaitMs` is answered 202 with its position and an
 * estimated wait while the checkout goes on without it. Admissions follow completions, so the queue
 * moves at the rate the orders service sustains; that rate is measured (completions a second,
 * smoothed) and only used for the estimate, never configured. The answer is stored by the orders
 * service under the customer's Idempotency-Key, so any instance can tell a client where it stands.
 */
export class CheckoutQueue {
  private readonly waiting = new Map<string, Entry>(); // insertion order = arrival order
  /** Admitted from the queue and not answered yet (the orders service may not know the key yet). */
  private readonly placing = new Set<string>();
  private running = 0;
  private enqueued = 0;
  private admittedUpTo = 0;
  private completedThisSecond = 0;
  private ratePerSecond = 0;
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly place: (c: Checkout) => Promise<RelayedAnswer>,
    private readonly opts: CheckoutQueueOptions,
  ) {
    this.timers.push(setInterval(() => this.measure(), 1000));
    if (opts.onWaiting && opts.renewEveryMs) {
      this.timers.push(setInterval(() => this.renewWaiting(), opts.renewEveryMs));
    }
    for (const t of this.timers) t.unref();
  }

  async submit(c: Checkout): Promise<Submitted> {
    const id = ticketKey(c.customerId, c.key);
    const same = this.waiting.get(id);
    if (same) return this.wait(same); // a retry of a waiting checkout waits with it
    if (this.running < this.opts.concurrency && this.waiting.size === 0) {
      return { answer: await this.run(c) };
    }
    if (this.waiting.size >= this.opts.maxWaiting) return { refused: 'full' };
    const entry: Entry = { c, seq: ++this.enqueued, admitted: false, answer: deferred<RelayedAnswer>() };
    // Handled here: after a 202 nobody awaits the answer, and a failed checkout must not crash the
    // process. Its key was released by the orders service, so the status URL then says 404 and the
    // client retries the POST under the same key.
    entry.answer.promise.catch((err) => this.opts.onFailed?.(c, err));
    this.waiting.set(id, entry);
    this.opts.onWaiting?.(c);
    return this.wait(entry);
  }

  /** Where a checkout waiting here stands; undefined when this instance is not holding it. */
  position(customerId: string, key: string): QueuePosition | undefined {
    const id = ticketKey(customerId, key);
    if (this.placing.has(id)) return { position: 0, estimatedWaitSeconds: 0 };
    const entry = this.waiting.get(id);
    return entry && this.positionOf(entry);
  }

  get stats() {
    return { waiting: this.waiting.size, running: this.running, ratePerSecond: this.ratePerSecond };
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t);
  }

  private async wait(entry: Entry): Promise<Submitted> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), this.opts.syncWaitMs);
    });
    const answer = await Promise.race([entry.answer.promise, timeout]);
    clearTimeout(timer);
    return answer ? { answer } : { queued: this.positionOf(entry) };
  }

  private positionOf(entry: Entry): QueuePosition {
    const position = entry.admitted ? 0 : entry.seq - this.admittedUpTo;
    // Before the first completions are counted, assume one checkout a second per slot.
    const rate = this.ratePerSecond > 0 ? this.ratePerSecond : this.opts.concurrency;
    return { position, estimatedWaitSeconds: Math.ceil(position / rate) };
  }

  private async run(c: Checkout): Promise<RelayedAnswer> {
    this.running++;
    try {
      return await this.place(c);
    } finally {
      this.running--;
      this.completedThisSecond++;
      this.admitNext();
    }
  }

  /** Oldest first, while slots are free (run() takes its slot before its first await). */
  private admitNext(): void {
    while (this.running < this.opts.concurrency) {
      const first = this.waiting.entries().next();
      if (first.done) return;
      const [id, entry] = first.value;
      this.waiting.delete(id);
      entry.admitted = true;
      this.admittedUpTo = entry.seq;
      this.placing.add(id);
      this.run(entry.c)
        .then(entry.answer.resolve, entry.answer.reject)
        .finally(() => this.placing.delete(id));
    }
  }

  private measure(): void {
    // Smoothed completions a second: the estimate follows what checkout sustains now.
    this.ratePerSecond = this.ratePerSecond * 0.7 + this.completedThisSecond * 0.3;
    this.completedThisSecond = 0;
  }

  private renewWaiting(): void {
    for (const entry of this.waiting.values()) this.opts.onWaiting?.(entry.c);
  }
}

/** Holds every claim of a waiting order a full hold time from now (the actor renews held ones only). */
export async function renewClaims(inventory: InventoryClient, c: Checkout): Promise<void> {
  const items = (c.body as { items?: { sku: string; quantity: number; claimId?: string }[] }).items ?? [];
  await Promise.all(
    items
      .filter((i) => i.claimId)
      .map((i) =>
        inventory.reserve({
          sku: i.sku,
          reservationId: i.claimId as string,
          quantity: i.quantity,
          customerId: c.customerId,
          renew: true,
        }),
      ),
  );
}

function ticketKey(customerId: string, key: string): string {
  return `${customerId}\n${key}`;
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (v: T) => void;
  reject: (e: unknown) => void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
