import { Router } from 'express';
import type { HandleWebhookUseCase } from '../app/handle-webhook.use-case';
import type { ProviderName } from '../domain/payment';
import { WebhookNotConfiguredError, WebhookSignatureError } from '../domain/provider-notice';
import { rawBodyOf } from './raw-body';

const WEBHOOK_PROVIDERS: ReadonlySet<string> = new Set(['stripe', 'paypal', 'adyen']);

/**
 * POST /webhooks/{stripe|paypal|adyen}: reached through the gateway's byte-for-byte relay of
 * /api/payments/webhooks/{provider}. 2xx only once the events are recorded (a provider retries
 * anything else); a bad signature is 400 WEBHOOK.INVALID_SIGNATURE.
 */
export function webhookRoutes(handle: HandleWebhookUseCase): Router {
  const r = Router();
  r.post('/webhooks/:provider', async (req, res) => {
    const provider = String(req.params.provider);
    if (!WEBHOOK_PROVIDERS.has(provider)) throw new WebhookNotConfiguredError(provider.slice(0, 20));
    const raw = rawBodyOf(req);
    if (!raw?.length) throw new WebhookSignatureError(provider, 'no body');
    const receipt = await handle.execute(provider as ProviderName, raw, req.headers);
    res.set('Cache-Control', 'no-store');
    // Adyen's documented acknowledgement; the others read only the status.
    if (provider === 'adyen') return void res.type('text/plain').send('[accepted]');
    res.json(receipt);
  });
  return r;
}
