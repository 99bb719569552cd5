import { randomUUID } from 'node:crypto';
import { type DataSource, QueryFailedError, type Repository, type SelectQueryBuilder } from 'typeorm';
import type { ProductRepositoryPort } from '../../app/ports/product.repository.port';
import {
  type AvailabilityReport,
  type Category,
  type Page,
  type Product,
  type ProductDraft,
  type ProductPatch,
  type ProductQuery,
  SkuTakenError,
  UnknownCategoryError,
} from '../../domain/product';
import { CategoryEntity } from './category.entity';
import { ProductEntity } from './product.entity';

const ORDER: Record<ProductQuery['sort'], [string, 'ASC' | 'DESC']> = {
  price_asc: ['p.priceAmount', 'ASC'],
  price_desc: ['p.priceAmount', 'DESC'],
  newest: ['p.createdAt', 'DESC'],
  name: ['p.name', 'ASC'],
};

export class TypeormProductRepository implements ProductRepositoryPort {
  private readonly products: Repository<ProductEntity>;
  private readonly cats: Repository<CategoryEntity>;

  constructor(ds: DataSource) {
    this.products = ds.getRepository(ProductEntity);
    this.cats = ds.getRepository(CategoryEntity);
  }

  async list(query: ProductQuery): Promise<Page<Product>> {
    const qb = this.filtered(query);
    const [field, dir] = ORDER[query.sort];
    // Ties broken by id so paging is stable across requests.
    qb.orderBy(field, dir).addOrderBy('p.id', 'ASC');
    qb.offset((query.page - 1) * query.pageSize).limit(query.pageSize);
    const [rows, total] = await qb.getManyAndCount();
    return { items: rows.map(toProduct), page: query.page, pageSize: query.pageSize, total };
  }

  async findById(id: string): Promise<Product | undefined> {
    const row = await this.products.findOne({ where: { id } });
    return row ? toProduct(row) : undefined;
  }

  async categories(): Promise<Category[]> {
    const rows = await this.cats.find({ order: { name: 'ASC' } });
    return rows.map((c) => ({ id: c.id, slug: c.slug, name: c.name }));
  }

  async create(d: ProductDraft): Promise<Product> {
    const category = await this.category(d.category);
    const id = randomUUID();
    try {
      await this.products.insert({
        id,
        sku: d.sku,
        name: d.name,
        brand: d.brand,
        description: d.description,
        categoryId: category.id,
        priceAmount: d.price.amount,
        priceCurrency: d.price.currency,
        images: d.images,
        attributes: d.attributes,
        warrantyMonths: d.warranty.months,
        warrantyTerms: d.warranty.terms,
      });
    } catch (e) {
      if (isDuplicate(e)) throw new SkuTakenError(d.sku);
      throw e;
    }
    return (await this.findById(id)) as Product;
  }

  async update(id: string, patch: ProductPatch): Promise<Product | undefined> {
    const changes: Partial<ProductEntity> = {};
    if (patch.name !== undefined) changes.name = patch.name;
    if (patch.brand !== undefined) changes.brand = patch.brand;
    if (patch.description !== undefined) changes.description = patch.description;
    if (patch.images !== undefined) changes.images = patch.images;
    if (patch.attributes !== undefined) changes.attributes = patch.attributes;
    if (patch.price) {
      changes.priceAmount = patch.price.amount;
      changes.priceCurrency = patch.price.currency;
    }
    if (patch.warranty) {
      changes.warrantyMonths = patch.warranty.months;
      changes.warrantyTerms = patch.warranty.terms;
    }
    if (patch.category !== undefined) changes.categoryId = (await this.category(patch.category)).id;
    if (Object.keys(changes).length) {
      const result = await this.products.update({ id }, changes);
      if (!result.affected) return undefined;
    }
    return this.findById(id);
  }

  async applyAvailability(r: AvailabilityReport): Promise<boolean> {
    // Conditional on the version: a redelivered or late event never moves availability backwards.
    const result = await this.products
      .createQueryBuilder()
      .update()
      .set({ available: r.available, availableVersion: String(r.version) })
      .where('sku = :sku AND available_version < :version', { sku: r.sku, version: r.version })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  private async category(slug: string): Promise<CategoryEntity> {
    const c = await this.cats.findOne({ where: { slug } });
    if (!c) throw new UnknownCategoryError(slug);
    return c;
  }

  private filtered(query: ProductQuery): SelectQueryBuilder<ProductEntity> {
    const qb = this.products.createQueryBuilder('p').innerJoinAndSelect('p.category', 'c');
    if (query.category) qb.andWhere('c.slug = :slug', { slug: query.category });
    // FULLTEXT in boolean mode: each word must appear (as a prefix), served by ft_products_text.
    if (query.q) qb.andWhere('MATCH(p.name, p.brand) AGAINST (:q IN BOOLEAN MODE)', { q: booleanQuery(query.q) });
    if (query.minPrice !== undefined) qb.andWhere('p.priceAmount >= :min', { min: query.minPrice });
    if (query.maxPrice !== undefined) qb.andWhere('p.priceAmount <= :max', { max: query.maxPrice });
    return qb;
  }
}

/** User words become `+word*` terms; operators typed by the user are stripped, never interpreted. */
function booleanQuery(q: string): string {
  const words = q
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .split(/\s+/)
    .filter((w) => w.length > 0);
  return words.length ? words.map((w) => `+${w}*`).join(' ') : '""';
}

function isDuplicate(e: unknown): boolean {
  return e instanceof QueryFailedError && (e.driverError as { code?: string })?.code === 'ER_DUP_ENTRY';
}

function toProduct(p: ProductEntity): Product {
  return {
    id: p.id,
    sku: p.sku,
    name: p.name,
    brand: p.brand,
    description: p.description,
    images: p.images ?? [],
    attributes: p.attributes ?? {},
    warranty: { months: p.warrantyMonths, terms: p.warrantyTerms },
    available: p.available,
    category: { id: p.category.id, slug: p.category.slug, name: p.category.name },
    price: { amount: p.priceAmount, currency: p.priceCurrency },
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
  };
}
