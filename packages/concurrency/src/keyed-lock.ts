/**
 * One holder per key at a time, the others in arrival order. `acquire` answers the release
 * function (calling it twice is harmless); a key takes no memory while nobody holds or waits for it,
 * so it suits an unbounded key space (one per actor id).
 */
export class KeyedLock {
  private readonly waiters = new Map<string, (() => void)[]>();

  async acquire(key: string): Promise<() => void> {
    const queue = this.waiters.get(key);
    if (queue) await new Promise<void>((resolve) => queue.push(resolve));
    else this.waiters.set(key, []);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      // The lock passes straight to the next waiter; with none, the key is forgotten.
      const next = this.waiters.get(key)?.shift();
      if (next) next();
      else this.waiters.delete(key);
    };
  }

  /** Whether someone holds `key` now (an `acquire` would wait). */
  isHeld(key: string): boolean {
    return this.waiters.has(key);
  }
}
