import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  UpdateDateColumn,
} from 'typeorm';
import { CategoryEntity } from './category.entity';

@Entity({ name: 'products' })
@Index('idx_products_category_price', ['categoryId', 'priceAmount'])
export class ProductEntity {
  @PrimaryColumn({ type: 'char', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 64, unique: true })
  sku!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'varchar', length: 100 })
  brand!: string;

  @Column({ type: 'text' })
  description!: string;

  @Column({ type: 'json' })
  images!: string[];

  @Column({ type: 'json' })
  attributes!: Record<string, string>;

  @Column({ name: 'warranty_months', type: 'smallint', unsigned: true })
  warrantyMonths!: number;

  @Column({ name: 'warranty_terms', type: 'varchar', length: 500 })
  warrantyTerms!: string;

  @Column({ name: 'category_id', type: 'char', length: 36 })
  categoryId!: string;

  @ManyToOne(() => CategoryEntity, { eager: true })
  @JoinColumn({ name: 'category_id' })
  category!: CategoryEntity;

  @Column({ name: 'price_amount', type: 'int', unsigned: true })
  priceAmount!: number;

  @Column({ name: 'price_currency', type: 'char', length: 3 })
  priceCurrency!: string;

  @Column({ type: 'int', unsigned: true })
  available!: number;

  @Column({ name: 'available_version', type: 'bigint', unsigned: true, select: false })
  availableVersion!: string;

  @CreateDateColumn({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}
