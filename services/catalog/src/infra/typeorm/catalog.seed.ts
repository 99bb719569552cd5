import type { Faker } from '@faker-js/faker';
import type { DataSource } from 'typeorm';

// A fixed demo set every environment and test can name, then a deterministic bulk of generated
// products (faker with a fixed seed: the same catalog on every machine, every run). Faker is loaded
// only when a database is empty, and English only (the same output as the default export's `faker`):
// importing the package's entry loads every locale, ~20 MB RSS that a started catalog kept for nothing.
const DEMO: [sku: string, name: string, brand: string, category: string, cents: number][] = [
  ['FSH-TEE-001', 'Organic cotton tee', 'Pathways Basics', 'fashion', 1999],
  ['FSH-JKT-002', 'Waterproof rain jacket', 'Northwind', 'fashion', 8999],
  ['FSH-SNK-003', 'Everyday sneakers', 'Stride', 'fashion', 6499],
  ['ELC-HPH-001', 'Noise-cancelling headphones', 'Sonora', 'electronics', 19999],
  ['ELC-KBD-002', 'Mechanical keyboard', 'Keystone', 'electronics', 10999],
  ['ELC-CHG-003', '65W USB-C charger', 'Voltra', 'electronics', 3499],
  ['HOM-MUG-001', 'Stoneware mug set', 'Hearth', 'home', 2999],
  ['HOM-LMP-002', 'Dimmable desk lamp', 'Lumen', 'home', 4599],
  ['HOM-TWL-003', 'Bath towel pair', 'Hearth', 'home', 2499],
  ['TOY-BLK-001', 'Wooden building blocks', 'Tinker', 'toys', 3999],
  ['TOY-PZL-002', '1000-piece puzzle', 'Tinker', 'toys', 1899],
  ['SPT-YGM-001', 'Yoga mat', 'Flowline', 'sports', 2999],
  ['SPT-BTL-002', 'Insulated water bottle', 'Flowline', 'sports', 2499],
  ['SPT-BLL-003', 'Match football', 'Goalpost', 'sports', 3499],
];

const DEPARTMENTS = [
  {
    slug: 'fashion',
    prefix: 'FSH',
    attrs: (faker: Faker) => ({
      size: faker.helpers.arrayElement(['XS', 'S', 'M', 'L', 'XL']),
      color: faker.color.human(),
    }),
  },
  {
    slug: 'electronics',
    prefix: 'ELC',
    attrs: (faker: Faker) => ({ power: `${faker.number.int({ min: 5, max: 200 })}W`, color: faker.color.human() }),
  },
  { slug: 'home', prefix: 'HOM', attrs: (faker: Faker) => ({ material: faker.commerce.productMaterial() }) },
  { slug: 'toys', prefix: 'TOY', attrs: (faker: Faker) => ({ ages: `${faker.number.int({ min: 1, max: 12 })}+` }) },
  {
    slug: 'sports',
    prefix: 'SPT',
    attrs: (faker: Faker) => ({ weight: `${faker.number.int({ min: 100, max: 5000 })}g` }),
  },
];

const SEED = 20261125;
const CHUNK = 1000;

interface Row {
  sku: string;
  name: string;
  brand: string;
  category: string;
  cents: number;
  description: string;
  images: string[];
  attributes: Record<string, string>;
  warrantyMonths: number;
}

function* rows(total: number, faker: Faker): Generator<Row> {
  for (const [sku, name, brand, category, cents] of DEMO) {
    yield {
      sku,
      name,
      brand,
      category,
      cents,
      description: `${name} from ${brand}.`,
      images: [`https://img.dbcarts.example/${sku}.jpg`],
      attributes: {},
      warrantyMonths: 12,
    };
  }
  faker.seed(SEED);
  for (let i = 1; i <= total - DEMO.length; i++) {
    const dept = DEPARTMENTS[i % DEPARTMENTS.length] as (typeof DEPARTMENTS)[number];
    const sku = `${dept.prefix}-G${String(i).padStart(7, '0')}`;
    yield {
      sku,
      name: faker.commerce.productName(),
      brand: faker.company.name().slice(0, 100),
      category: dept.slug,
      cents: faker.number.int({ min: 199, max: 250_000 }),
      description: faker.commerce.productDescription(),
      images: [`https://img.dbcarts.example/${sku}-1.jpg`, `https://img.dbcarts.example/${sku}-2.jpg`],
      attributes: dept.attrs(faker),
      warrantyMonths: faker.helpers.arrayElement([0, 6, 12, 24]),
    };
  }
}

/** Seeds `total` products into an empty catalog (a non-empty one is left alone). Returns rows inserted. */
export async function seedCatalog(ds: DataSource, total: number, onProgress?: (done: number) => void): Promise<number> {
  const [{ n }] = await ds.query('SELECT COUNT(*) AS n FROM products');
  if (Number(n) > 0) return 0;
  const cats: { id: string; slug: string }[] = await ds.query('SELECT id, slug FROM categories');
  const catId = new Map(cats.map((c) => [c.slug, c.id]));
  const { faker } = await import('@faker-js/faker/locale/en');
  let batch: unknown[][] = [];
  let inserted = 0;
  const flush = async () => {
    if (!batch.length) return;
    await ds.query(
      `INSERT INTO products (id, sku, name, brand, description, category_id, price_amount, price_currency, images, attributes, warranty_months, warranty_terms)
       VALUES ${batch.map(() => '(UUID(), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
      batch.flat(),
    );
    inserted += batch.length;
    batch = [];
    onProgress?.(inserted);
  };
  for (const r of rows(Math.max(total, DEMO.length), faker)) {
    const warranty = r.warrantyMonths
      ? `${r.warrantyMonths}-month manufacturer warranty; free returns within 30 days.`
      : 'Free returns within 30 days.';
    batch.push([
      r.sku,
      r.name,
      r.brand,
      r.description,
      catId.get(r.category),
      r.cents,
      'USD',
      JSON.stringify(r.images),
      JSON.stringify(r.attributes),
      r.warrantyMonths,
      warranty,
    ]);
    if (batch.length >= CHUNK) await flush();
  }
  await flush();
  return inserted;
}
