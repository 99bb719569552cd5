export const AFTER_SALES = {
  OrderLines: Symbol('OrderLinesPort'),
  Customers: Symbol('CustomersPort'),
  Idempotency: Symbol('IdempotencyPort'),
  Warranties: Symbol('WarrantyRepositoryPort'),
  Support: Symbol('SupportRepositoryPort'),
  Clock: Symbol('Clock'),
} as const;

export type Clock = () => Date;
