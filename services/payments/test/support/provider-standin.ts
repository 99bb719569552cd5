import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AdyenStandIn, adyenRoutes } from './adyen-standin';
import { type PayPalStandIn, paypalRoutes } from './paypal-standin';

// PayPal's and Adyen's APIs as their official SDKs reach them: the SDKs have fixed hosts
// (api-m.sandbox.paypal.com, checkout-test.adyen.com), so the payments service sends them through an
// HTTPS egress proxy (PAYMENT_EGRESS_PROXY) and trusts this run's own CA (NODE_EXTRA_CA_CERTS). This
// is that proxy: it accepts CONNECT to those two hosts only and terminates TLS with a certificate for
// them, then answers like the provider, checking each request's shape on the way.

export const STANDIN_HOSTS = { paypal: 'api-m.sandbox.paypal.com', adyen: 'checkout-test.adyen.com' } as const;

export interface SeenRequest {
  host: string;
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
  raw: string;
}

export type Answer = { status: number; body?: unknown } | 'hang';
export type Route = (req: SeenRequest) => Answer | undefined;

export interface ProviderStandIn {
  proxyUrl: string;
  /** The CA that signed the hosts' certificate: NODE_EXTRA_CA_CERTS for the payments process. */
  caFile: string;
  requests: SeenRequest[];
  paypal: PayPalStandIn;
  adyen: AdyenStandIn;
  stop(): Promise<void>;
}

function certificates(): { dir: string; key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'provider-standin-'));
  const f = (n: string) => join(dir, n);
  const ssl = (args: string[]) => execFileSync('openssl', args, { stdio: 'ignore', timeout: 30_000 });
  ssl(
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=DBcarts test CA', '-days', '2'].concat([
      '-keyout',
      f('ca.key'),
      '-out',
      f('ca.pem'),
    ]),
  );
  ssl(
    ['req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${STANDIN_HOSTS.paypal}`, '-keyout', f('host.key')].concat([
      '-out',
      f('host.csr'),
    ]),
  );
  writeFileSync(f('san.ext'), `subjectAltName=DNS:${STANDIN_HOSTS.paypal},DNS:${STANDIN_HOSTS.adyen}\n`);
  ssl(
    ['x509', '-req', '-in', f('host.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial'].concat([
      '-days',
      '2',
      '-extfile',
      f('san.ext'),
      '-out',
      f('host.pem'),
    ]),
  );
  return { dir, key: readFileSync(f('host.key'), 'utf8'), cert: readFileSync(f('host.pem'), 'utf8') };
}

export async function startProviderStandIn(): Promise<ProviderStandIn> {
  const { dir, key, cert } = certificates();
  const requests: SeenRequest[] = [];
  const paypal = paypalRoutes();
  const adyen = adyenRoutes();
  const hung: ServerResponse[] = [];
  const sockets: Socket[] = [];

  const tls = createTlsServer({ key, cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: Record<string, unknown> = {};
      try {
        body =
          raw && req.headers['content-type']?.includes('json')
            ? JSON.parse(raw)
            : Object.fromEntries(new URLSearchParams(raw));
      } catch {
        body = {};
      }
      const seen: SeenRequest = {
        host: String(req.headers.host ?? '').replace(/:443$/, ''),
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body,
        raw,
      };
      requests.push(seen);
      const route = seen.host === STANDIN_HOSTS.paypal ? paypal.route : adyen.route;
      const answer = route(seen) ?? {
        status: 404,
        body: { message: `no stand-in route for ${seen.method} ${seen.path}` },
      };
      if (answer === 'hang') return void hung.push(res); // accepted, never answered
      res.writeHead(answer.status, answer.body === undefined ? {} : { 'content-type': 'application/json' });
      res.end(answer.body === undefined ? undefined : JSON.stringify(answer.body));
    });
  });

  const proxy = createServer((_req, res) => res.writeHead(405).end());
  proxy.on('connect', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const [host] = (req.url ?? '').split(':');
    if (host !== STANDIN_HOSTS.paypal && host !== STANDIN_HOSTS.adyen) {
      return void socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
    }
    sockets.push(socket);
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length) socket.unshift(head);
    tls.emit('connection', socket);
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  const { port } = proxy.address() as AddressInfo;
  return {
    proxyUrl: `http://127.0.0.1:${port}`,
    caFile: join(dir, 'ca.pem'),
    requests,
    paypal: paypal.state,
    adyen: adyen.state,
    stop: async () => {
      for (const res of hung) res.destroy();
      for (const s of sockets) s.destroy();
      proxy.closeAllConnections();
      await new Promise<void>((r) => proxy.close(() => r()));
      tls.close();
    },
  };
}
