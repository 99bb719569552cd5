import { AbstractActor } from '@dapr/dapr';
import type { FlashSaleIndexEntry } from '../app/ports/flash-sale-index.port';

export const FLASH_SALE_DIRECTORY = 'FlashSaleDirectory';
export const DIRECTORY_ID = 'all';
const KEY = 'entries';

/**
 * The list of scheduled and running flash sales, behind one actor so concurrent admins' writes
 * serialize (a read-modify-write on a plain state key lost updates under load: tested). Admin
 * writes are rare and reads are cached by the adapter, so one actor is no bottleneck.
 */
export class FlashSaleDirectory extends AbstractActor {
  async add(body: { entry: FlashSaleIndexEntry; now: number }): Promise<{ ok: true }> {
    const state = this.getStateManager<FlashSaleIndexEntry[]>();
    const [, current] = await state.tryGetState(KEY);
    const { entry, now } = body;
    const next = (current ?? []).filter((e) => e.endsAt > now && !(e.sku === entry.sku && e.id === entry.id));
    next.push(entry);
    await state.setState(KEY, next);
    return { ok: true };
  }

  async list(): Promise<{ entries: FlashSaleIndexEntry[] }> {
    const [, current] = await this.getStateManager<FlashSaleIndexEntry[]>().tryGetState(KEY);
    return { entries: current ?? [] };
  }
}
