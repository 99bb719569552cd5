import { type AbstractActor, CommunicationProtocolEnum, DaprServer } from '@dapr/dapr';
import express, { type Express } from 'express';
import type { SidecarAddress } from './sidecar';

// biome-ignore lint/suspicious/noExplicitAny: the SDK's actor class type takes any constructor args
type ActorClass = new (...args: any[]) => AbstractActor;

export interface ActorHostOptions {
  sidecar: SidecarAddress;
  appPort: number;
  actors: ActorClass[];
  /** Dapr actor runtime settings reported on /dapr/config. */
  idleTimeout?: string;
}

/**
 * The SDK's actor routes (/dapr/config, /actors/...) on a sub-app that the service mounts inside
 * createHttpApp's `routes`, so our own /healthz, error handler and listen() stay in charge.
 * The SDK server is never started: we listen ourselves.
 */
export async function createActorHost(opts: ActorHostOptions): Promise<{ router: Express; server: DaprServer }> {
  const actorApp = express();
  const server = new DaprServer({
    serverHost: '127.0.0.1',
    serverPort: String(opts.appPort),
    serverHttp: actorApp,
    communicationProtocol: CommunicationProtocolEnum.HTTP,
    clientOptions: {
      daprHost: opts.sidecar.host,
      daprPort: String(opts.sidecar.httpPort),
      communicationProtocol: CommunicationProtocolEnum.HTTP,
      actor: { actorIdleTimeout: opts.idleTimeout ?? '1h', reentrancy: { enabled: false } },
    },
  });
  for (const actor of opts.actors) await server.actor.registerActor(actor);
  await server.actor.init();
  return { router: actorApp, server };
}
