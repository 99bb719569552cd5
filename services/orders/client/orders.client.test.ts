import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Sidecar } from '@dbcarts/dapr';
import { DependencyUnavailableError } from '@dbcarts/errors';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOrdersClient } from './index';

// A stand-in for the caller's daprd on a real port, answering POST .../orders the way daprd relays
// the orders service — or the way it answers when orders is not there to answer.
let server: Server;
let reply: { status: number; type?: string; text: string };
let sidecar: Sidecar;

beforeEach(async () => {
  server = createServer(async (req, res) => {
    for await (const _ of req);
    res.writeHead(reply.status, reply.type ? { 'content-type': reply.type } : {});
    res.end(reply.text);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  sidecar = new Sidecar({ host: '127.0.0.1', httpPort: (server.address() as AddressInfo).port });
});
afterEach(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const place = () => createOrdersClient(sidecar).place('c-1', 'key-1', { items: [] });

describe('orders client: place relays the orders service’s own answers only', () => {
  it('relays an order (201) and a refusal (its problem+json) as they are', async () => {
    reply = { status: 201, type: 'application/json', text: JSON.stringify({ id: 'o-1', status: 'confirmed' }) };
    expect(await place()).toMatchObject({ status: 201, body: { id: 'o-1' } });
    reply = { status: 402, type: 'application/problem+json', text: JSON.stringify({ code: 'PAYMENT.DECLINED' }) };
    expect(await place()).toMatchObject({ status: 402, body: { code: 'PAYMENT.DECLINED' } });
  });

  it('an empty success or a failure that is not its problem (the sidecar’s own error) is orders unavailable', async () => {
    // seen once in CI while orders shut down: relayed, it reached the client as a 2xx JSON with no order
    reply = { status: 200, type: 'application/json', text: '' };
    await expect(place()).rejects.toBeInstanceOf(DependencyUnavailableError);
    reply = { status: 500, type: 'application/json', text: JSON.stringify({ errorCode: 'ERR_DIRECT_INVOKE' }) };
    await expect(place()).rejects.toBeInstanceOf(DependencyUnavailableError);
  });
});
