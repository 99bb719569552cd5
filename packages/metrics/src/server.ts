import { createServer, type Server } from 'node:http';
import { collectProcessMetrics, registry } from './registry';

/**
 * GET /metrics on a port of its own, never on the app's: the gateway's app port is public, and the
 * other services' ports take only their sidecar's token, which a scraper does not have. A pod
 * exposes this port to Prometheus only (prometheus.io annotations, deploy/prometheus).
 */
export function startMetricsServer(port: number, host = '127.0.0.1'): Promise<Server> {
  collectProcessMetrics();
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' || path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    registry.metrics().then(
      (body) => res.writeHead(200, { 'content-type': registry.contentType }).end(body),
      (err: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${err.message}\n`),
    );
  });
  // A scrape is one short request: no keep-alive connection is worth holding between scrapes.
  server.keepAliveTimeout = 5_000;
  server.requestTimeout = 10_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
