import type { Sidecar } from '@dbcarts/dapr';
import { UpstreamProblemError } from '@dbcarts/errors';
import type { SkuDirectoryPort } from '../app/ports/sku-directory.port';

/**
 * Asks the catalog (`GET /skus/{sku}`) through Dapr service invocation. A direct call rather than
 * @dbcarts/catalog/client: the catalog already depends on inventory's contract, and a dependency
 * back would make the workspaces impossible to build in order from a clean clone.
 */
export class DaprCatalogSkuDirectoryAdapter implements SkuDirectoryPort {
  constructor(
    private readonly sidecar: Sidecar,
    private readonly appId = 'catalog',
    private readonly timeoutMs = 3000,
  ) {}

  async exists(sku: string): Promise<boolean> {
    try {
      const res = await this.sidecar.invokeService<{ sku?: string }>(
        this.appId,
        'GET',
        `skus/${encodeURIComponent(sku)}`,
        { timeoutMs: this.timeoutMs },
      );
      return res.body?.sku === sku;
    } catch (e) {
      // Only the catalog's own "no such product" is a no. Any other answer (a catalog without this
      // route, a bad gateway) is a failure to ask: saying "unknown" then would 404 real products.
      if (e instanceof UpstreamProblemError && e.problem.code === 'CATALOG.NOT_FOUND') return false;
      throw e;
    }
  }
}
