import { describe, expect, it } from 'vitest';
import { KnownSkus } from './known-skus';
import type { SkuDirectoryPort } from './ports/sku-directory.port';

/** The catalog as the directory port sees it: a set of SKUs, counting how often it is asked. */
class Catalog implements SkuDirectoryPort {
  asked: string[] = [];
  down = false;
  gate?: Promise<void>;
  constructor(readonly skus: Set<string>) {}
  async exists(sku: string): Promise<boolean> {
    this.asked.push(sku);
    await this.gate;
    if (this.down) throw new Error('catalog unavailable');
    return this.skus.has(sku);
  }
}

const settings = { knownTtlMs: 60_000, unknownTtlMs: 1_000, maxKnown: 100, maxUnknown: 10, maxLookups: 5 };

describe('KnownSkus: the catalog decides, this remembers', () => {
  it('refuses a SKU the catalog does not know with INVENTORY.UNKNOWN_SKU (404 kind)', async () => {
    const known = new KnownSkus(new Catalog(new Set(['SKU-1'])), settings);
    await expect(known.assertKnown('SKU-1')).resolves.toBeUndefined();
    await expect(known.assertKnown('ZZ-NOPE-1')).rejects.toMatchObject({
      code: 'INVENTORY.UNKNOWN_SKU',
      kind: 'not_found',
    });
  });

  it('asks once per SKU: known SKUs stay known, unknown ones are asked again after a short while', async () => {
    let now = 0;
    const catalog = new Catalog(new Set(['SKU-1']));
    const known = new KnownSkus(catalog, settings, () => now);
    for (let i = 0; i < 100; i++) await known.assertKnown('SKU-1');
    for (let i = 0; i < 100; i++) await known.assertKnown('ZZ-NOPE-1').catch(() => undefined);
    expect(catalog.asked).toEqual(['SKU-1', 'ZZ-NOPE-1']);
    catalog.skus.add('ZZ-NOPE-1'); // the product is created
    now += settings.unknownTtlMs;
    await expect(known.assertKnown('ZZ-NOPE-1')).resolves.toBeUndefined();
    now += settings.knownTtlMs - settings.unknownTtlMs - 1; // just before SKU-1 is due again
    await known.assertKnown('SKU-1');
    expect(catalog.asked).toEqual(['SKU-1', 'ZZ-NOPE-1', 'ZZ-NOPE-1']);
  });

  it('folds concurrent questions about one SKU into one lookup', async () => {
    const catalog = new Catalog(new Set(['SKU-1']));
    let open!: () => void;
    catalog.gate = new Promise((r) => {
      open = r;
    });
    const known = new KnownSkus(catalog, settings);
    const all = Array.from({ length: 50 }, () => known.assertKnown('SKU-1'));
    open();
    await Promise.all(all);
    expect(catalog.asked).toEqual(['SKU-1']);
  });

  it('remembers nothing when the catalog could not be asked: the next call asks again', async () => {
    const catalog = new Catalog(new Set(['SKU-1']));
    catalog.down = true;
    const known = new KnownSkus(catalog, settings);
    await expect(known.assertKnown('SKU-1')).rejects.toThrow('catalog unavailable');
    catalog.down = false;
    await expect(known.assertKnown('SKU-1')).resolves.toBeUndefined();
    expect(catalog.asked).toHaveLength(2);
  });

  it('a flood of unknown SKUs neither grows memory past its bound nor evicts the known ones', async () => {
    const catalog = new Catalog(new Set(['SKU-1']));
    const known = new KnownSkus(catalog, settings);
    await known.assertKnown('SKU-1');
    for (let i = 0; i < 1_000; i++) await known.assertKnown(`ZZ-${i}`).catch(() => undefined);
    expect(known.size).toEqual({ known: 1, unknown: settings.maxUnknown, lookups: 0 });
    await known.assertKnown('SKU-1');
    expect(catalog.asked.filter((s) => s === 'SKU-1')).toHaveLength(1);
  });

  it('bounds lookups in flight: beyond it, INVENTORY.BUSY (503 kind) instead of a growing queue', async () => {
    const catalog = new Catalog(new Set());
    catalog.gate = new Promise(() => {}); // the catalog hangs
    const known = new KnownSkus(catalog, settings);
    const hanging = Array.from({ length: settings.maxLookups }, (_, i) => known.assertKnown(`HANG-${i}`));
    for (const h of hanging) h.catch(() => undefined);
    await expect(known.assertKnown('ONE-MORE')).rejects.toMatchObject({ code: 'INVENTORY.BUSY', kind: 'unavailable' });
    expect(known.size.lookups).toBe(settings.maxLookups);
  });
});
