import type { Server } from 'node:http';
import type { Express } from 'express';

/** Listens and resolves once bound; rejects (instead of crashing later) when the port is taken. */
export function listen(app: Express, port: number, host = '127.0.0.1'): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, (err?: Error) => (err ? reject(err) : resolve(server)));
    server.keepAliveTimeout = 65_000;
  });
}
