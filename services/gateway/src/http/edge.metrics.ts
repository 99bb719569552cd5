import { counter, hotCounter } from '@dbcarts/metrics';

// On every API request: plain additions, read at scrape time.
const rateLimit = hotCounter<'allowed' | 'limited'>({
  name: 'gateway_rate_limit_decisions_total',
  help: 'Per-client API budget decisions at the edge: allowed, or limited (429)',
  label: 'decision',
});
export const countRateLimit = (decision: 'allowed' | 'limited') => rateLimit.inc(decision);

const claims = counter<'outcome'>({
  name: 'gateway_flash_claims_total',
  help: 'Flash-sale claims by outcome: claimed, replayed, paused (kill switch), throttled (drop claim rate), or the refusal code from inventory',
  labelNames: ['outcome'],
});

/** Inventory's refusal codes are its own stable set; anything else is folded into one label. */
export function countClaim(outcome: string): void {
  claims.inc({ outcome: /^[a-z_]+$|^[A-Z_]+\.[A-Z_]+$/.test(outcome) ? outcome : 'OTHER' });
}
