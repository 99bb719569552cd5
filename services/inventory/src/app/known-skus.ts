import { ExpiringSet } from '@dbcarts/concurrency';
import { InventoryBusyError, UnknownSkuError } from '../domain/stock.errors';
import type { SkuDirectoryPort } from './ports/sku-directory.port';

export interface KnownSkuSettings {
  /** Products are never deleted: a SKU the catalog knows stays known this long before it is asked again. */
  knownTtlMs: number;
  /** A product created after a refusal is served once this has passed. */
  unknownTtlMs: number;
  maxKnown: number;
  maxUnknown: number;
  /** Distinct SKUs being asked about at once; beyond: INVENTORY.BUSY. */
  maxLookups: number;
}

/**
 * Decides, before any actor call, whether a SKU is one the catalog knows: an actor call activates
 * the SKU's actor (kept an hour by Dapr), so asking for made-up SKUs would fill memory with actors.
 * Answers are remembered in bounded sets (known ones long, unknown ones briefly, apart so a flood of
 * made-up SKUs cannot push the real ones out), so the hot path costs a map lookup. Concurrent
 * questions about one SKU share one lookup; a failed lookup is not remembered.
 */
export class KnownSkus {
  private readonly known: ExpiringSet;
  private readonly unknown: ExpiringSet;
  private readonly lookups = new Map<string, Promise<boolean>>();

  constructor(
    private readonly directory: SkuDirectoryPort,
    private readonly settings: KnownSkuSettings,
    now: () => number = Date.now,
  ) {
    this.known = new ExpiringSet(settings.knownTtlMs, settings.maxKnown, now);
    this.unknown = new ExpiringSet(settings.unknownTtlMs, settings.maxUnknown, now);
  }

  get size(): { known: number; unknown: number; lookups: number } {
    return { known: this.known.size, unknown: this.unknown.size, lookups: this.lookups.size };
  }

  /** Resolves if the catalog knows the SKU; throws UnknownSkuError if not. */
  async assertKnown(sku: string): Promise<void> {
    if (this.known.has(sku)) return;
    if (this.unknown.has(sku) || !(await this.lookup(sku))) throw new UnknownSkuError(sku);
  }

  private lookup(sku: string): Promise<boolean> {
    const running = this.lookups.get(sku);
    if (running) return running;
    if (this.lookups.size >= this.settings.maxLookups) {
      return Promise.reject(new InventoryBusyError(sku, 'too many SKU lookups in flight'));
    }
    const asked = this.directory
      .exists(sku)
      .then((exists) => {
        (exists ? this.known : this.unknown).add(sku);
        return exists;
      })
      .finally(() => this.lookups.delete(sku));
    this.lookups.set(sku, asked);
    return asked;
  }
}
