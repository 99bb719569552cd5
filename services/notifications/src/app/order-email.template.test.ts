import { describe, expect, it } from 'vitest';
import { composeOrderMessage } from '../domain/order-message';
import { renderHtml, renderText } from './order-email.template';

const usd = (amount: number) => ({ amount, currency: 'USD' });
const hostile = '<img src=x onerror="alert(1)"> & "friends"';
const message = composeOrderMessage('order_confirmed', {
  orderId: 'b3c1d2e4-0000-4000-8000-000000000002',
  customerId: 'c1',
  customerEmail: 'ada@example.test',
  items: [{ sku: 'TOY-9', name: hostile, quantity: 3, unitPrice: usd(250), returned: 0 }],
  subtotal: usd(750),
  discount: usd(0),
  total: usd(750),
  occurredAt: '2026-01-01T00:00:00.000Z',
});

describe('order email', () => {
  it('escapes every value in the HTML: a product name cannot add markup', () => {
    const html = renderHtml(message);
    expect(html).not.toContain('<img');
    expect(html).not.toContain('onerror="');
    expect(html).toContain('&#60;img src=x onerror=&#34;alert(1)&#34;&#62; &#38; &#34;friends&#34;');
    expect(html).not.toMatch(/<script|<link|<style|https?:/i);
  });

  it('the plain text carries the order id, each line and the total', () => {
    const text = renderText(message);
    expect(text).toContain('b3c1d2e4-0000-4000-8000-000000000002');
    expect(text).toContain(`3 x ${hostile}`);
    expect(text).toContain('$2.50 each  $7.50');
    expect(text).toContain('Total: $7.50');
  });
});
