import type { TestStack } from '@dbcarts/testing';

/**
 * Inventory keeps stock only for SKUs the catalog knows (INVENTORY.UNKNOWN_SKU otherwise): tests
 * create their products first, as an admin would, through the catalog's own API via a sidecar.
 */
export async function createProducts(stack: TestStack, skus: string[]): Promise<void> {
  const sidecar = stack.sidecar('inventory');
  await Promise.all(
    skus.map((sku) =>
      sidecar.invokeService('catalog', 'POST', 'products', {
        body: { sku, name: `Test product ${sku}`, category: 'toys', price: { amount: 1000, currency: 'USD' } },
      }),
    ),
  );
}

/** A fresh SKU the catalog knows. */
export async function newSku(stack: TestStack, prefix: string): Promise<string> {
  const sku = stack.uniqueId(prefix);
  await createProducts(stack, [sku]);
  return sku;
}
