import { expect, it } from 'vitest';
import { replacementOrderId } from './warranty-replacement-id';

it('derives one UUID-shaped replacement order id per claim, so a redelivery finds the same order', () => {
  const id = replacementOrderId('c1');
  expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
  expect(replacementOrderId('c1')).toBe(id);
  expect(replacementOrderId('c2')).not.toBe(id);
});
