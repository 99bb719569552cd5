import { createHash } from 'node:crypto';

/** The replacement order's id, the same for every delivery of the claim's event (UUID-shaped). */
export function replacementOrderId(claimId: string): string {
  const h = createHash('sha256').update(`warranty-replacement:${claimId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
