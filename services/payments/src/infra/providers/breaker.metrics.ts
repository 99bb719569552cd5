import { gauge } from '@dbcarts/metrics';

export type BreakerState = 'closed' | 'half-open' | 'open';

const state = gauge<'provider'>({
  name: 'payment_provider_breaker_state',
  help: "State of a payment provider's authorization breaker: 0 closed, 1 half-open (one trial call), 2 open (503 at once)",
  labelNames: ['provider'],
});
const VALUE: Record<BreakerState, number> = { closed: 0, 'half-open': 1, open: 2 };

export function recordBreakerState(provider: string, s: BreakerState): void {
  state.set({ provider }, VALUE[s]);
}
