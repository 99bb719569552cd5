import { z } from 'zod';

// The body of an orders.* event (services/orders/contract OrderEvent), read tolerantly: fields this
// service does not use may be added by the producer, but every field it does use is checked, since
// values end up in an email's headers and body. An event that fails this will never pass: DROP.

const Money = z.object({ amount: z.int().min(0).max(100_000_000_000), currency: z.string().regex(/^[A-Z]{3}$/) });

export const OrderEventBody = z.object({
  // Goes into the subject header: letters, digits and dashes only (no line breaks to inject headers).
  orderId: z.string().regex(/^[A-Za-z0-9-]{1,64}$/),
  customerId: z.string().min(1).max(64),
  // One plain address: the SMTP binding splits emailTo on ';', so separators must not get through.
  customerEmail: z.email().max(254),
  items: z
    .array(
      z.object({
        sku: z.string().min(1).max(64),
        name: z.string().min(1).max(200),
        quantity: z.int().min(1).max(10_000),
        unitPrice: Money,
        returned: z.int().min(0).max(10_000).default(0),
      }),
    )
    .min(1)
    .max(200),
  subtotal: Money,
  discount: Money,
  total: Money,
  refund: Money.optional(),
  occurredAt: z.string().max(64),
});
export type OrderEventBody = z.infer<typeof OrderEventBody>;
