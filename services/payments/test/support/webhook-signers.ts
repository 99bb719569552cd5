import { execFileSync } from 'node:child_process';
import { createHmac, sign } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';

// Each provider's webhook signature, written here from the provider's documentation (not with the
// library the service verifies with), so the test checks the service against the documented scheme.

/** Stripe: `Stripe-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" with the endpoint secret>`. */
export function stripeSignature(payload: string, secret: string, at = Math.floor(Date.now() / 1000)): string {
  const v1 = createHmac('sha256', secret).update(`${at}.${payload}`).digest('hex');
  return `t=${at},v1=${v1}`;
}

export interface AdyenItem {
  pspReference: string;
  originalReference?: string;
  merchantAccountCode: string;
  merchantReference: string;
  amount: { value: number; currency: string };
  eventCode: string;
  success: 'true' | 'false';
  additionalData?: Record<string, string>;
}

/**
 * Adyen: HMAC-SHA256 (key given in hex) over pspReference:originalReference:merchantAccountCode:
 * merchantReference:value:currency:eventCode:success, base64, in additionalData.hmacSignature.
 */
export function adyenSigned(item: AdyenItem, hexKey: string): AdyenItem {
  const data = [
    item.pspReference,
    item.originalReference ?? '',
    item.merchantAccountCode,
    item.merchantReference,
    item.amount.value,
    item.amount.currency,
    item.eventCode,
    item.success,
  ].join(':');
  const hmacSignature = createHmac('sha256', Buffer.from(hexKey, 'hex')).update(data, 'utf8').digest('base64');
  return { ...item, additionalData: { ...item.additionalData, hmacSignature } };
}

export const adyenNotification = (items: AdyenItem[]) =>
  JSON.stringify({ live: 'false', notificationItems: items.map((i) => ({ NotificationRequestItem: i })) });

/**
 * PayPal's signing side: a key pair and an X.509 certificate (openssl), the certificate served over
 * HTTP where PAYPAL-CERT-URL points, and headers signed as PayPal documents: SHA256withRSA over
 * `<transmission id>|<time>|<webhook id>|<CRC32 of the raw body, decimal>`.
 */
export async function startPayPalSigner() {
  const dir = mkdtempSync(join(tmpdir(), 'paypal-cert-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      '/CN=messageverificationcerts.paypal.test',
      '-days',
      '2',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore', timeout: 30_000 },
  );
  const key = readFileSync(join(dir, 'key.pem'), 'utf8');
  const cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
  const server: Server = createServer((req, res) => {
    if (req.url === '/v1/notifications/certs/CERT-dbcarts-test') return void res.end(cert);
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let n = 0;
  return {
    origin,
    headers(payload: string, webhookId: string): Record<string, string> {
      const id = `tx-${Date.now()}-${++n}`;
      const time = new Date().toISOString();
      const message = `${id}|${time}|${webhookId}|${crc32(Buffer.from(payload)) >>> 0}`;
      return {
        'paypal-transmission-id': id,
        'paypal-transmission-time': time,
        'paypal-transmission-sig': sign('sha256', Buffer.from(message), key).toString('base64'),
        'paypal-cert-url': `${origin}/v1/notifications/certs/CERT-dbcarts-test`,
        'paypal-auth-algo': 'SHA256withRSA',
      };
    },
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}
