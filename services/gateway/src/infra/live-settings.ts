import { liveValue } from '@dbcarts/dapr';
import { Sku } from '@dbcarts/inventory/contract';
import type { RateLimitSettings } from '../http/rate-limit.middleware';

/** "600/60": points per window of seconds, for every client of the API. */
export const RATE_LIMIT_KEY = 'gateway.ratelimit.default';
/** Kill switch of drops: "SKU-1,SKU-2" stops new claims on those SKUs, "*" on all; empty resumes. */
export const CLAIMS_PAUSED_KEY = 'gateway.flashsales.claims-paused';

/** Claims a second per SKU and gateway instance a drop takes; "0" or empty: no cap. */
export const CLAIM_RATE_KEY = 'gateway.flashsales.claim-rate';

export const parseClaimRate = liveValue.intIn(0, 9_999_999);

export function parseRateLimit(raw: string): RateLimitSettings | undefined {
  const m = /^(\d{1,9})\/(\d{1,6})$/.exec(raw);
  return m ? { points: Number(m[1]), windowSeconds: Number(m[2]) } : undefined;
}

/** The SKUs whose claims are paused; `['*']` pauses every drop. */
export function parseSkuList(raw: string): string[] | undefined {
  const skus = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return skus.every((s) => s === '*' || Sku.safeParse(s).success) ? skus.sort() : undefined;
}
