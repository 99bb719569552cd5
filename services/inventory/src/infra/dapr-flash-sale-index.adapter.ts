import type { Sidecar } from '@dbcarts/dapr';
import type { FlashSaleIndexEntry, FlashSaleIndexPort } from '../app/ports/flash-sale-index.port';
import { DIRECTORY_ID, FLASH_SALE_DIRECTORY } from './flash-sale-directory.actor';

/** The flash-sale directory actor, with reads cached briefly: the public list is hot during a sale. */
export class DaprFlashSaleIndexAdapter implements FlashSaleIndexPort {
  private cached?: { at: number; entries: FlashSaleIndexEntry[] };

  constructor(
    private readonly sidecar: Sidecar,
    private readonly cacheMs = 1000,
  ) {}

  async add(entry: FlashSaleIndexEntry, now: number): Promise<void> {
    await this.sidecar.invokeActor(FLASH_SALE_DIRECTORY, DIRECTORY_ID, 'add', { entry, now });
    this.cached = undefined;
  }

  async list(): Promise<FlashSaleIndexEntry[]> {
    if (this.cached && Date.now() - this.cached.at < this.cacheMs) return this.cached.entries;
    const { entries } = await this.sidecar.invokeActor<{ entries: FlashSaleIndexEntry[] }>(
      FLASH_SALE_DIRECTORY,
      DIRECTORY_ID,
      'list',
    );
    this.cached = { at: Date.now(), entries };
    return entries;
  }
}
