export const ORDERS = {
  Orders: Symbol('OrderRepository'),
  Stock: Symbol('Stock'),
  Pricing: Symbol('Pricing'),
  Payments: Symbol('Payments'),
  Promotions: Symbol('Promotions'),
  Customers: Symbol('Customers'),
  Carts: Symbol('Carts'),
  History: Symbol('OrderHistory'),
  Invoices: Symbol('Invoices'),
  Settings: Symbol('OrdersSettings'),
  Log: Symbol('Log'),
} as const;

export interface OrdersSettings {
  /** A pending order whose saga has not moved for this long is finished or undone by the sweep. */
  staleSeconds: number;
}
