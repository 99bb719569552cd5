/**
 * Keys remembered for a while, at most `maxEntries` of them: for answers worth caching that a
 * client can make us learn (every SKU anyone asks about). Past the bound the oldest entry goes, so
 * memory stays flat whatever is asked; every entry of one set lives equally long, so insertion
 * order is expiry order and pruning only ever looks at the front.
 */
export class ExpiringSet {
  private readonly until = new Map<string, number>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!(maxEntries >= 1)) throw new Error('ExpiringSet needs room for at least one entry');
  }

  get size(): number {
    return this.until.size;
  }

  has(key: string): boolean {
    const until = this.until.get(key);
    if (until === undefined) return false;
    if (until > this.now()) return true;
    this.until.delete(key);
    return false;
  }

  add(key: string): void {
    const now = this.now();
    this.until.delete(key); // re-added: moves to the back with a fresh expiry
    for (const [k, t] of this.until) {
      if (t > now && this.until.size < this.maxEntries) break;
      this.until.delete(k);
    }
    this.until.set(key, now + this.ttlMs);
  }

  delete(key: string): void {
    this.until.delete(key);
  }
}
