import { describe, expect, it } from 'vitest';
import { ProductCreateBody, ProductUpdateBody } from '../../contract';

describe('product write bodies', () => {
  it('a PATCH body names exactly the fields it was given (no defaults filled in)', () => {
    const patch = ProductUpdateBody.parse({ price: { amount: 1999, currency: 'EUR' } });
    expect(patch).toEqual({ price: { amount: 1999, currency: 'EUR' } });
  });

  it('an empty PATCH body is refused as nothing to update', () => {
    const result = ProductUpdateBody.safeParse({});
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe('nothing to update');
  });

  it('a PATCH body still validates the fields it names and refuses unknown ones', () => {
    expect(ProductUpdateBody.safeParse({ brand: 'x'.repeat(101) }).success).toBe(false);
    expect(ProductUpdateBody.safeParse({ sku: 'NEW-SKU' }).success).toBe(false);
    expect(ProductUpdateBody.safeParse({ warranty: { months: 12 } }).success).toBe(false);
  });

  it('a create body still gets its defaults', () => {
    const created = ProductCreateBody.parse({
      sku: 'TST-1',
      name: 'Test',
      category: 'toys',
      price: { amount: 100, currency: 'EUR' },
    });
    expect(created).toMatchObject({ brand: '', description: '', images: [], attributes: {} });
    expect(created.warranty).toEqual({ months: 0, terms: '' });
  });
});
