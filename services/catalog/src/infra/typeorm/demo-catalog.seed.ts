import type { DataSource } from 'typeorm';

// A small demo catalog for `npm start`: a few products in every category. Idempotent by SKU.
const DEMO: [sku: string, name: string, category: string, cents: number][] = [
  ['FSH-TEE-001', 'Organic cotton tee', 'fashion', 1999],
  ['FSH-JKT-002', 'Waterproof rain jacket', 'fashion', 8999],
  ['FSH-SNK-003', 'Everyday sneakers', 'fashion', 6499],
  ['ELC-HPH-001', 'Noise-cancelling headphones', 'electronics', 19999],
  ['ELC-KBD-002', 'Mechanical keyboard', 'electronics', 10999],
  ['ELC-CHG-003', '65W USB-C charger', 'electronics', 3499],
  ['HOM-MUG-001', 'Stoneware mug set', 'home', 2999],
  ['HOM-LMP-002', 'Dimmable desk lamp', 'home', 4599],
  ['HOM-TWL-003', 'Bath towel pair', 'home', 2499],
  ['TOY-BLK-001', 'Wooden building blocks', 'toys', 3999],
  ['TOY-PZL-002', '1000-piece puzzle', 'toys', 1899],
  ['SPT-YGM-001', 'Yoga mat', 'sports', 2999],
  ['SPT-BTL-002', 'Insulated water bottle', 'sports', 2499],
  ['SPT-BLL-003', 'Match football', 'sports', 3499],
];

export const DEMO_SKUS = DEMO.map(([sku]) => sku);

export async function seedDemoCatalog(ds: DataSource): Promise<number> {
  let inserted = 0;
  for (const [sku, name, category, cents] of DEMO) {
    const result = await ds.query(
      `INSERT IGNORE INTO products (id, sku, name, description, category_id, price_amount, price_currency)
       SELECT UUID(), ?, ?, ?, id, ?, 'USD' FROM categories WHERE slug = ?`,
      [sku, name, `${name}: part of the DBcarts demo catalog.`, cents, category],
    );
    inserted += (result as { affectedRows?: number }).affectedRows ?? 0;
  }
  return inserted;
}
