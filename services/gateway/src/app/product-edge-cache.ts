export interface EdgeEntry {
  etag: string;
  cacheControl?: string;
  surrogateKey?: string;
  /** Encoded once when cached: a hit writes these bytes as they are (no per-request JSON or UTF-8 work). */
  body: Buffer;
}

/**
 * The gateway's small response cache for public product reads, so a hot product page costs no
 * sidecar hop. Dropped per product on catalog.product-changed; a fill that started before a drop
 * is discarded (epochs), so the old version is never served after the event. Bounded by entries
 * (least recently used goes first) and by a TTL in case an event is lost. The epochs are bounded
 * the same way: events name any id (a catalog of millions), so past `maxEntries` the oldest epoch
 * is forgotten and the floor every unknown id starts from is raised above it, which discards
 * every fill in flight (a few extra misses) instead of ever storing one that an event overtook.
 */
export class ProductEdgeCache {
  private readonly entries = new Map<string, { entry: EdgeEntry; at: number }>();
  private readonly epochs = new Map<string, number>();
  private clock = 0;
  /** The epoch of every id not in `epochs`: raised whenever one is forgotten. */
  private floor = 0;

  constructor(
    private readonly maxEntries = 10_000,
    private readonly ttlMs = 30_000,
    private readonly now: () => number = Date.now,
  ) {}

  get(id: string): EdgeEntry | undefined {
    const hit = this.entries.get(id);
    if (!hit) return undefined;
    if (this.now() - hit.at > this.ttlMs) {
      this.entries.delete(id);
      return undefined;
    }
    // Re-insert to mark it most recently used (Map keeps insertion order).
    this.entries.delete(id);
    this.entries.set(id, hit);
    return hit.entry;
  }

  /** Taken before fetching; put() with a stale epoch is ignored. */
  epoch(id: string): number {
    return this.epochs.get(id) ?? this.floor;
  }

  put(id: string, entry: EdgeEntry, epoch: number): void {
    if (this.epoch(id) !== epoch) return;
    this.entries.set(id, { entry, at: this.now() });
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  invalidate(id: string): void {
    this.entries.delete(id);
    this.epochs.delete(id);
    this.epochs.set(id, ++this.clock);
    if (this.epochs.size > Math.max(1, this.maxEntries)) {
      const oldest = this.epochs.keys().next().value;
      if (oldest !== undefined) this.epochs.delete(oldest);
      this.floor = ++this.clock;
    }
  }

  get trackedEpochs(): number {
    return this.epochs.size;
  }

  get size(): number {
    return this.entries.size;
  }
}
