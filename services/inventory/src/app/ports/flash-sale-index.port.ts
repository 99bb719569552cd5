export interface FlashSaleIndexEntry {
  sku: string;
  id: string;
  startsAt: number;
  endsAt: number;
}

/** Which SKUs have a flash sale scheduled or running: the actors know their own, this lists them. */
export interface FlashSaleIndexPort {
  add(entry: FlashSaleIndexEntry, now: number): Promise<void>;
  list(): Promise<FlashSaleIndexEntry[]>;
}
