import { createPublicKey, verify as verifySignature } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { DependencyUnavailableError } from '@dbcarts/errors';
import type { WebhookHeaders, WebhookVerifierPort } from '../../app/ports/webhook.port';
import { type ProviderNotice, WebhookSignatureError } from '../../domain/provider-notice';

export interface PayPalWebhookSettings {
  /** The webhook's id in the PayPal app (part of what PayPal signs). */
  webhookId: string;
  /** Origins the signing certificate may come from (PayPal's API hosts; the stand-in in tests). */
  certOrigins: string[];
  timeoutMs: number;
}

const header = (h: WebhookHeaders, name: string) => {
  const v = h[name];
  return typeof v === 'string' ? v : undefined;
};

/**
 * PayPal's self-verification: PayPal signs `<transmission id>|<transmission time>|<webhook id>|<CRC32
 * of the raw body, decimal>` with SHA256withRSA; the certificate comes from `PAYPAL-CERT-URL`, which
 * is accepted only from PayPal's own API origins (anyone could host a certificate) and cached.
 * Verifying offline keeps a PayPal outage from failing our webhooks and checks the exact bytes.
 */
export class PayPalWebhookVerifier implements WebhookVerifierPort {
  private readonly certs = new Map<string, ReturnType<typeof createPublicKey>>();

  constructor(private readonly settings: PayPalWebhookSettings) {}

  async verify(raw: Buffer, headers: WebhookHeaders): Promise<ProviderNotice[]> {
    const id = header(headers, 'paypal-transmission-id');
    const time = header(headers, 'paypal-transmission-time');
    const sig = header(headers, 'paypal-transmission-sig');
    const certUrl = header(headers, 'paypal-cert-url');
    const algo = header(headers, 'paypal-auth-algo');
    if (!id || !time || !sig || !certUrl)
      throw new WebhookSignatureError('paypal', 'PAYPAL-TRANSMISSION-* headers missing');
    if (algo !== 'SHA256withRSA') throw new WebhookSignatureError('paypal', `unsupported algorithm ${algo}`);
    const key = await this.cert(certUrl);
    const message = `${id}|${time}|${this.settings.webhookId}|${crc32(raw) >>> 0}`;
    if (!verifySignature('sha256', Buffer.from(message), key, Buffer.from(sig, 'base64'))) {
      throw new WebhookSignatureError('paypal', 'signature does not match');
    }
    let event: {
      id: string;
      event_type?: string;
      resource?: { id?: string; supplementary_data?: { related_ids?: { authorization_id?: string } } };
    };
    try {
      event = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new WebhookSignatureError('paypal', 'body is not JSON');
    }
    if (typeof event?.id !== 'string') throw new WebhookSignatureError('paypal', 'event without an id');
    const type = event.event_type ?? 'UNKNOWN';
    if (type === 'PAYMENT.AUTHORIZATION.VOIDED') {
      return [{ provider: 'paypal', eventId: event.id, type, kind: 'released', ref: event.resource?.id }];
    }
    if (type === 'PAYMENT.CAPTURE.COMPLETED') {
      const ref = event.resource?.supplementary_data?.related_ids?.authorization_id;
      return [{ provider: 'paypal', eventId: event.id, type, kind: 'captured', ref }];
    }
    return [{ provider: 'paypal', eventId: event.id, type, kind: 'other' }];
  }

  private async cert(url: string) {
    const cached = this.certs.get(url);
    if (cached) return cached;
    let origin: string;
    try {
      origin = new URL(url).origin;
    } catch {
      throw new WebhookSignatureError('paypal', 'certificate URL is not a URL');
    }
    if (!this.settings.certOrigins.includes(origin)) {
      throw new WebhookSignatureError('paypal', `certificate from ${origin}, not PayPal`);
    }
    // No certificate (PayPal slow or down) is not a bad signature: 503, and PayPal delivers again.
    let pem: string;
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(this.settings.timeoutMs) });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      pem = await res.text();
    } catch (e) {
      throw new DependencyUnavailableError('paypal certificate', (e as Error).message, {
        publicName: 'The PayPal certificate service',
      });
    }
    let key: ReturnType<typeof createPublicKey>;
    try {
      key = createPublicKey(pem);
    } catch {
      throw new WebhookSignatureError('paypal', 'certificate is not a certificate');
    }
    if (this.certs.size > 100) this.certs.clear();
    this.certs.set(url, key);
    return key;
  }
}
