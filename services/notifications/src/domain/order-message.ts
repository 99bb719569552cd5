import type { Money, OrderFacts, OrderNotificationKind } from './notification';

/**
 * The words of each message, shared by the plain-text and HTML renderings so the two never say
 * different things. Only facts the customer already owns: no payment details, no internal ids but
 * the order's, no links carrying tokens.
 */
export interface OrderMessage {
  subject: string;
  /** Opening sentence. */
  headline: string;
  lines: { sku: string; name: string; quantity: number; unitPrice: string; lineTotal: string }[];
  totals: { label: string; value: string }[];
  /** Closing sentence. */
  closing: string;
}

export function composeOrderMessage(kind: OrderNotificationKind, order: OrderFacts): OrderMessage {
  const id = order.orderId;
  const lines = order.items.map((i) => ({
    sku: i.sku,
    name: i.name,
    quantity: i.quantity,
    unitPrice: formatMoney(i.unitPrice),
    lineTotal: formatMoney({ amount: i.unitPrice.amount * i.quantity, currency: i.unitPrice.currency }),
  }));
  const totals = [
    { label: 'Subtotal', value: formatMoney(order.subtotal) },
    ...(order.discount.amount > 0 ? [{ label: 'Discount', value: `-${formatMoney(order.discount)}` }] : []),
    { label: 'Total', value: formatMoney(order.total) },
  ];
  switch (kind) {
    case 'order_confirmed':
      return {
        subject: `Your DBcarts order ${id} is confirmed`,
        headline: `Thank you for your order. Order ${id} is confirmed and we are preparing it.`,
        lines,
        totals,
        closing: 'We will write again when it ships.',
      };
    case 'order_shipped':
      return {
        subject: `Your DBcarts order ${id} has shipped`,
        headline: `Good news: order ${id} is on its way.`,
        lines,
        totals,
        closing: 'The payment for this order has now been taken.',
      };
    case 'order_cancelled':
      return {
        subject: `Your DBcarts order ${id} was cancelled`,
        headline: `Order ${id} was cancelled.`,
        lines,
        totals,
        closing: 'Any amount held or taken for it is released or refunded to your original payment method.',
      };
    case 'order_refunded': {
      const refund = order.refund ? formatMoney(order.refund) : undefined;
      return {
        subject: `Refund for your DBcarts order ${id}`,
        headline: refund
          ? `We received your return for order ${id} and refunded ${refund}.`
          : `We received your return for order ${id}; your refund is on its way.`,
        lines,
        totals: refund ? [...totals, { label: 'Refunded', value: refund }] : totals,
        closing: 'The refund goes to your original payment method; banks may take a few days to show it.',
      };
    }
  }
}

/** Minor units in the currency's own number of decimals (USD 1999 → $19.99, JPY 1999 → ¥1,999). */
export function formatMoney(m: Money): string {
  const fmt = new Intl.NumberFormat('en-US', { style: 'currency', currency: m.currency });
  const digits = fmt.resolvedOptions().maximumFractionDigits ?? 2;
  return fmt.format(m.amount / 10 ** digits);
}
