import type { hmacValidator } from '@adyen/api-library';
import type { WebhookHeaders, WebhookVerifierPort } from '../../app/ports/webhook.port';
import { type ProviderNotice, WebhookSignatureError } from '../../domain/provider-notice';

interface NotificationItem {
  pspReference?: string;
  originalReference?: string;
  eventCode?: string;
  success?: string;
  additionalData?: Record<string, string>;
  [field: string]: unknown;
}

// The library (~2,400 modules) is loaded at the first webhook, not by every payments process at start.
let loaded: hmacValidator | undefined;
function hmac(): hmacValidator {
  if (!loaded) {
    const sdk = require('@adyen/api-library') as typeof import('@adyen/api-library');
    loaded = new sdk.hmacValidator();
  }
  return loaded;
}

/**
 * Adyen's standard webhooks: every NotificationRequestItem carries `additionalData.hmacSignature`,
 * an HMAC-SHA256 (hex key) over its own fields, checked by the official library. One unsigned or
 * wrongly signed item refuses the whole delivery. Adyen sends no event id: an item is identified by
 * its pspReference, eventCode and success, as Adyen's docs say to deduplicate.
 */
export class AdyenWebhookVerifier implements WebhookVerifierPort {
  constructor(private readonly hmacKey: string) {}

  async verify(raw: Buffer, _headers: WebhookHeaders): Promise<ProviderNotice[]> {
    let items: NotificationItem[];
    try {
      const body = JSON.parse(raw.toString('utf8')) as {
        notificationItems?: { NotificationRequestItem?: NotificationItem }[];
      };
      items = (body.notificationItems ?? []).map((i) => i.NotificationRequestItem ?? {});
    } catch {
      throw new WebhookSignatureError('adyen', 'body is not JSON');
    }
    if (!items.length) throw new WebhookSignatureError('adyen', 'no notification items');
    const validator = hmac();
    for (const item of items) {
      let valid = false;
      try {
        valid = validator.validateHMAC(item as never, this.hmacKey);
      } catch {
        valid = false; // no hmacSignature
      }
      if (!valid) throw new WebhookSignatureError('adyen', `item ${item.pspReference ?? '?'} not signed with our key`);
    }
    return items.map((item) => {
      const ok = item.success === 'true';
      const code = item.eventCode ?? 'UNKNOWN';
      const kind = !ok
        ? 'other'
        : code === 'CAPTURE'
          ? 'captured'
          : code === 'CANCELLATION' || code === 'TECHNICAL_CANCEL'
            ? 'released'
            : 'other';
      return {
        provider: 'adyen' as const,
        eventId: `${item.pspReference}:${code}:${item.success}`,
        type: code,
        kind,
        // Modifications point at the payment they change; the payment's own events carry it as pspReference.
        ref: item.originalReference || item.pspReference,
      };
    });
  }
}
