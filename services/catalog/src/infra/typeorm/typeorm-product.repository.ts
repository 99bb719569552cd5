import type { DataSource, Repository, SelectQueryBuilder } from 'typeorm';
import type { ProductRepositoryPort } from '../../app/ports/product.repository.port';
import type { Category, Page, Product, ProductQuery } from '../../domain/product';
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
    qb.skip((query.page - 1) * query.pageSize).take(query.pageSize);
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

  private filtered(query: ProductQuery): SelectQueryBuilder<ProductEntity> {
    const qb = this.products.createQueryBuilder('p').innerJoinAndSelect('p.category', 'c');
    if (query.category) qb.andWhere('c.slug = :slug', { slug: query.category });
    if (query.q) qb.andWhere('p.name LIKE :q', { q: `%${escapeLike(query.q)}%` });
    if (query.minPrice !== undefined) qb.andWhere('p.priceAmount >= :min', { min: query.minPrice });
    if (query.maxPrice !== undefined) qb.andWhere('p.priceAmount <= :max', { max: query.maxPrice });
    return qb;
  }
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function toProduct(p: ProductEntity): Product {
  return {
    id: p.id,
    sku: p.sku,
    name: p.name,
    description: p.description,
    category: { id: p.category.id, slug: p.category.slug, name: p.category.name },
    price: { amount: p.priceAmount, currency: p.priceCurrency },
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
  };
}
