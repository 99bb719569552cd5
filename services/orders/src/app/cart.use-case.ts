import { DependencyUnavailableError } from '@dbcarts/errors';
import { inject, injectable } from 'tsyringe';
import type { CartDto } from '../../contract';
import { type Cart, MAX_CART_LINES, setLine, without } from '../domain/cart';
import { CartFullError, MixedCurrencyError, UnknownProductError } from '../domain/order.errors';
import { ORDERS } from './orders.tokens';
import type { PricingPort } from './ports/checkout.ports';
import type { CartStorePort } from './ports/read-models.port';

/** Conditional writes lost to a concurrent change of the same cart before we give up (503). */
const ATTEMPTS = 5;

/**
 * A cart per customer (the state store, not the database: it is hot, per-customer and disposable).
 * Changes are conditional on the cart's ETag, so two tabs adding items at once both land.
 */
@injectable()
export class CartUseCase {
  constructor(
    @inject(ORDERS.Carts) private readonly carts: CartStorePort,
    @inject(ORDERS.Pricing) private readonly pricing: PricingPort,
  ) {}

  async view(customerId: string): Promise<CartDto> {
    return this.priced((await this.carts.load(customerId)).cart);
  }

  async set(customerId: string, sku: string, quantity: number): Promise<CartDto> {
    if (!(await this.pricing.prices([sku])).has(sku)) throw new UnknownProductError(sku);
    return this.change(customerId, (cart) => {
      const next = setLine(cart, sku, quantity);
      if (next.items.length > MAX_CART_LINES) throw new CartFullError(MAX_CART_LINES);
      return next;
    });
  }

  remove(customerId: string, skus: string[]): Promise<CartDto> {
    return this.change(customerId, (cart) => without(cart, skus));
  }

  private async change(customerId: string, edit: (cart: Cart) => Cart): Promise<CartDto> {
    for (let i = 0; i < ATTEMPTS; i++) {
      const { cart, etag } = await this.carts.load(customerId);
      const next = edit(cart);
      if (await this.carts.saveIf(customerId, next, etag)) return this.priced(next);
    }
    throw new DependencyUnavailableError('cart', 'too many concurrent changes');
  }

  /** Today's catalog prices; a product removed since it was added is left out. */
  private async priced(cart: Cart): Promise<CartDto> {
    const prices = cart.items.length ? await this.pricing.prices(cart.items.map((i) => i.sku)) : new Map();
    const items = cart.items
      .filter((i) => prices.has(i.sku))
      .map((i) => ({ sku: i.sku, quantity: i.quantity, unitPrice: prices.get(i.sku).price }));
    const currencies = [...new Set(items.map((i) => i.unitPrice.currency))];
    if (currencies.length > 1) throw new MixedCurrencyError(currencies);
    const currency = currencies[0] ?? 'USD';
    const subtotal = items.reduce((s, i) => s + i.unitPrice.amount * i.quantity, 0);
    return { items, subtotal: { amount: subtotal, currency } };
  }
}
