import {
  request as httpRequest,
  Agent,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { DependencyUnavailableError } from '@dbcarts/errors';
import { currentRequestContext } from '@dbcarts/logging';
import { traceHeaders } from '@dbcarts/telemetry';
import { DEFAULT_SIDECAR_TIMEOUTS } from './sidecar-wire';

// Hop-by-hop headers (RFC 9110 §7.6.1) and the ones a client must not choose: `host` (the callee
// pins its own origin) and `dapr-*` (would steer the sidecar's routing).
const DROP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
]);

const agent = new Agent({ keepAlive: true, maxSockets: 256 });

export interface PassThroughOptions {
  /** The caller's sidecar, e.g. http://127.0.0.1:3500. */
  sidecarBaseUrl: string;
  appId: string;
  /** Path and query on the callee, starting with '/'. */
  path: string;
  /** A body an earlier parser already consumed (JSON or form), sent in place of the stream. */
  parsedBody?: Buffer;
  /** The longest silence from the sidecar (the invocation bound of Sidecar by default). */
  timeoutMs?: number;
}

function forwardable(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || DROP.has(name) || name.startsWith('dapr-')) continue;
    out[name] = value;
  }
  return out;
}

/**
 * Relays one HTTP exchange to another app through Dapr service invocation, byte for byte: method,
 * query, headers (cookies, Authorization), body, and the callee's status, redirects and every
 * Set-Cookie back. For protocol endpoints (OAuth, webhooks) whose shape we do not own. A failure of
 * the invocation itself (callee down, sidecar unreachable or silent) becomes DependencyUnavailableError,
 * not a relayed 500: Dapr's text (error code, callee address, dial error) goes to the log only.
 */
export function passThrough(req: IncomingMessage, res: ServerResponse, opts: PassThroughOptions): Promise<void> {
  const target = new URL(`${opts.sidecarBaseUrl}/v1.0/invoke/${opts.appId}/method${opts.path}`);
  const headers = { ...forwardable(req.headers), ...traceHeaders() };
  const requestId = currentRequestContext()?.requestId;
  if (requestId) headers['x-request-id'] = requestId;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_SIDECAR_TIMEOUTS.invokeMs;
  const fault = (reason: string) =>
    new DependencyUnavailableError(opts.appId, reason, { publicName: `The ${opts.appId} service` });
  if (opts.parsedBody) headers['content-length'] = String(opts.parsedBody.length);
  else if (req.headers['content-length']) headers['content-length'] = req.headers['content-length'];
  else if (req.headers['transfer-encoding']) headers['transfer-encoding'] = 'chunked';

  return new Promise((resolve, reject) => {
    const upstream = httpRequest(
      target,
      { method: req.method, headers, agent, timeout: timeoutMs },
      (answer: IncomingMessage) => {
        const status = answer.statusCode ?? 502;
        // Dapr reports a failed invocation as a 5xx with its own JSON error code (ERR_DIRECT_INVOKE...).
        if (status >= 500) {
          const chunks: Buffer[] = [];
          answer.on('data', (c: Buffer) => chunks.push(c));
          answer.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            if (/"errorCode"\s*:\s*"ERR_/.test(text)) {
              return reject(fault(`HTTP ${status} ${text.slice(0, 300)}`));
            }
            res.writeHead(status, forwardable(answer.headers));
            res.end(text);
            resolve();
          });
          answer.on('error', reject);
          return;
        }
        res.writeHead(status, forwardable(answer.headers));
        answer.pipe(res);
        answer.on('end', resolve);
        answer.on('error', reject);
      },
    );
    upstream.on('timeout', () => upstream.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    upstream.on('error', (e) => reject(fault(e.message)));
    if (opts.parsedBody) upstream.end(opts.parsedBody);
    else req.pipe(upstream);
  });
}
