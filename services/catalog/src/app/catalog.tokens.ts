export const CATALOG = {
  Products: Symbol('ProductRepository'),
  Cache: Symbol('ProductCache'),
  Events: Symbol('ProductEvents'),
} as const;
