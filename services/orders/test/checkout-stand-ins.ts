import type { CustomerPort, PaymentPort, PricingPort, PromotionPort, StockPort } from '../src/app/ports/checkout.ports';

// Stand-ins for the services a checkout calls (stock, prices, payments, promotions, customers), for the
// tests that run orders' repositories and use cases against a real MariaDB without a stack.

const PRICES = new Map([
  ['SHARD-A', { name: 'A', department: 'books', price: { amount: 1500, currency: 'EUR' } }],
  ['SHARD-B', { name: 'B', department: 'books', price: { amount: 700, currency: 'EUR' } }],
]);
export const stock: StockPort = {
  reserve: async () => ({ ok: true }),
  confirm: async () => undefined,
  release: async () => undefined,
  restock: async () => undefined,
};
export const pricing: PricingPort = {
  prices: async (skus) =>
    new Map(
      skus.flatMap((s) => {
        const p = PRICES.get(s);
        return p ? [[s, p] as const] : [];
      }),
    ),
};
export const paymentCalls: string[] = [];
export const payments: PaymentPort = {
  authorize: async (r) =>
    r.token === 'tok_visa'
      ? { ok: true }
      : { ok: false, code: 'PAYMENT.DECLINED', kind: 'payment_required', detail: 'declined' },
  capture: async (id, customerId) => void paymentCalls.push(`capture:${id}:${customerId}`),
  void: async (id, customerId) => void paymentCalls.push(`void:${id}:${customerId}`),
  refund: async (id, customerId, refundId) => void paymentCalls.push(`refund:${id}:${customerId}:${refundId}`),
};
export const promotions: PromotionPort = {
  reserve: async () => ({ ok: true, discount: 0 }),
  commit: async () => undefined,
  release: async () => undefined,
};
export const customers: CustomerPort = { email: async (id) => `${id}@example.com` };

export const address = { name: 'Ada', line1: '1 Main St', city: 'Paris', postalCode: '75001', country: 'FR' };
export const request = (token = 'tok_visa', skus = ['SHARD-A', 'SHARD-B']) => ({
  items: skus.map((sku) => ({ sku, quantity: 2 })),
  shippingAddress: address,
  payment: { provider: 'test' as const, token },
});
