import type { Stock } from '../../domain/stock';

/** The state of one SKU inside its actor turn. */
export interface StockStatePort {
  load(): Promise<Stock>;
  save(stock: Stock): Promise<void>;
}
