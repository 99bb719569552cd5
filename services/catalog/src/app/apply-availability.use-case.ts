import { inject, injectable } from 'tsyringe';
import type { AvailabilityReport } from '../domain/product';
import { CATALOG } from './catalog.tokens';
import type { ProductCachePort } from './ports/product-cache.port';
import type { ProductRepositoryPort } from './ports/product.repository.port';

/**
 * Keeps the listing's `available` in step with inventory (CQRS read model). A flash sale sends
 * hundreds of changes a second, so cached listings are retired at most once per flush interval
 * however many changes arrived, not once per event.
 */
@injectable()
export class ApplyAvailabilityUseCase {
  private dirty = false;

  constructor(
    @inject(CATALOG.Products) private readonly products: ProductRepositoryPort,
    @inject(CATALOG.Cache) private readonly cache: ProductCachePort,
  ) {}

  async execute(report: AvailabilityReport): Promise<void> {
    if (await this.products.applyAvailability(report)) this.dirty = true;
  }

  async flush(): Promise<void> {
    if (!this.dirty) return;
    this.dirty = false;
    try {
      await this.cache.bumpListingGeneration();
    } catch {
      this.dirty = true; // try again on the next tick
    }
  }
}
