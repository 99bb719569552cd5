import { passThrough } from '@dbcarts/dapr';
import { DomainError } from '@dbcarts/errors';
import { Router } from 'express';

/** The payments service's Dapr app id (services/payments/client PAYMENTS_APP_ID). */
const PAYMENTS_APP_ID = 'payments';
const PROVIDERS: ReadonlySet<string> = new Set(['stripe', 'paypal', 'adyen']);

/**
 * POST /api/payments/webhooks/{stripe|paypal|adyen}: the payment providers' notifications, relayed
 * to the payments service (POST /webhooks/{provider}) through the gateway's sidecar. Nothing here
 * reads or trusts the payload: the payments service checks each provider's own signature on the
 * exact bytes, so they are relayed byte for byte with the provider's signature headers, and its
 * answer (200, 400 bad signature, 503 try again) goes back as it said it.
 */
export function paymentWebhookRoutes(sidecarBaseUrl: string): Router {
  const r = Router();
  r.param('provider', (_req, _res, next, provider: string) => {
    if (PROVIDERS.has(provider)) return next();
    next(new UnknownWebhookProviderError(provider.slice(0, 20)));
  });
  r.post('/api/payments/webhooks/:provider', async (req, res) => {
    await passThrough(req, res, {
      sidecarBaseUrl,
      appId: PAYMENTS_APP_ID,
      path: `/webhooks/${req.params.provider}`,
      // The body is still the unread stream (packages/http leaves this path unparsed): piped as is.
      // Under the gateway's 8 s request deadline; the payments service answers a webhook in ms.
      timeoutMs: 7000,
    });
  });
  return r;
}

export class UnknownWebhookProviderError extends DomainError {
  readonly code = 'WEBHOOK.NOT_CONFIGURED';
  readonly kind = 'not_found';
  constructor(provider: string) {
    super(`No webhook endpoint for ${provider}`, { provider });
  }
}
