import express, { Router } from 'express';
import type { HandleWebhookUseCase } from '../app/handle-webhook.use-case';
import type { ProviderName } from '../domain/payment';
import { WebhookNotConfiguredError, WebhookSignatureError } from '../domain/provider-notice';

const WEBHOOK_PROVIDERS: ReadonlySet<string> = new Set(['stripe', 'paypal', 'adyen']);

/**
 * POST /webhooks/{stripe|paypal|adyen}: reached through the gateway's byte-for-byte relay of
 * /api/payments/webhooks/{provider}. 2xx only once the events are recorded (a provider retries
 * anything else); a bad signature is 400 WEBHOOK.INVALID_SIGNATURE.
 */
export function webhookRoutes(handle: HandleWebhookUseCase): Router {
  const r = Router();
  // The body as the provider sent it, whatever its content type (packages/http leaves /webhooks unparsed).
  const bytes = express.raw({ type: () => true, limit: '1mb' });
  r.post('/webhooks/:provider', bytes, async (req, res) => {
    const provider = String(req.params.provider);
    if (!WEBHOOK_PROVIDERS.has(provider)) throw new WebhookNotConfiguredError(provider.slice(0, 20));
    const raw = Buffer.isBuffer(req.body) ? req.body : undefined;
    if (!raw?.length) throw new WebhookSignatureError(provider, 'no body');
    const receipt = await handle.execute(provider as ProviderName, raw, req.headers);
    res.set('Cache-Control', 'no-store');
    // Adyen's documented acknowledgement; the others read only the status.
    if (provider === 'adyen') return void res.type('text/plain').send('[accepted]');
    res.json(receipt);
  });
  return r;
}
