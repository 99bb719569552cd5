/** Which SKUs exist. The catalog is the authority: inventory keeps stock only for its products. */
export interface SkuDirectoryPort {
  /** true or false when the authority answered; throws when it could not be asked. */
  exists(sku: string): Promise<boolean>;
}
