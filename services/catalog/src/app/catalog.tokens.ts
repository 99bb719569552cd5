export const CATALOG = {
  Products: Symbol('ProductRepository'),
} as const;
