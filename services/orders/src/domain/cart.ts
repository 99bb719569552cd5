/** A customer's cart: SKUs and quantities only; prices are the catalog's at the time it is viewed. */
export interface Cart {
  items: { sku: string; quantity: number }[];
}

/** Most distinct SKUs in one cart (an order takes at most 50 lines). */
export const MAX_CART_LINES = 50;

export function setLine(cart: Cart, sku: string, quantity: number): Cart {
  const items = cart.items.filter((i) => i.sku !== sku);
  if (quantity > 0) items.push({ sku, quantity });
  return { items };
}

export function without(cart: Cart, skus: string[]): Cart {
  const gone = new Set(skus);
  return { items: cart.items.filter((i) => !gone.has(i.sku)) };
}
