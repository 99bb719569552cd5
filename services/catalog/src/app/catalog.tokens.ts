export const CATALOG = {
  Products: Symbol('ProductRepository'),
  Cache: Symbol('ProductCache'),
  Log: Symbol('Log'),
} as const;
