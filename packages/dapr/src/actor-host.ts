import type { AbstractActor, DaprServer } from '@dapr/dapr';
import express, { type NextFunction, type Request, type Response, Router } from 'express';
import type { Logger } from '@dbcarts/logging';
import type { SidecarAddress } from './sidecar';

// biome-ignore lint/suspicious/noExplicitAny: the SDK's actor class type takes any constructor args
type ActorClass = new (...args: any[]) => AbstractActor;

export interface ActorHostOptions {
  sidecar: SidecarAddress;
  appPort: number;
  actors: ActorClass[];
  /** Dapr actor runtime settings reported on /dapr/config. */
  idleTimeout?: string;
  /** Told of every actor call the SDK answers with a 5xx (its own errors are not logged otherwise). */
  logger?: Logger;
}

/**
 * The SDK's actor routes (/dapr/config, /actors/...) on a sub-app that the service mounts inside
 * createHttpApp's `routes`, so our own /healthz, error handler and listen() stay in charge.
 * The SDK server is never started: we listen ourselves.
 */
export async function createActorHost(opts: ActorHostOptions): Promise<{ router: Router; server: DaprServer }> {
  // The SDK (and its gRPC and protobuf stack: ~40 MB RSS) only in a service that hosts actors: every
  // service imports this package, one of them needs the SDK.
  const { CommunicationProtocolEnum, DaprServer } = await import('@dapr/dapr');
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
  const router = Router();
  router.use((req: Request, res: Response, next: NextFunction) => {
    if (!req.path.startsWith('/actors/') && req.path !== '/dapr/config') return next();
    // Our express 5 parser already read the body; the SDK's body-parser 1.x would read the stream
    // again ("stream is not readable") unless told, by its own flag, that the body is parsed.
    (req as Request & { _body?: boolean })._body = true;
    // The sidecar retries a failed actor call without saying why: the reason is only here.
    const started = Date.now();
    res.on('finish', () => {
      if (res.statusCode >= 500) {
        opts.logger?.warn({ path: req.path, status: res.statusCode, ms: Date.now() - started }, 'actor call failed');
      }
    });
    actorApp(req, res, next);
  });
  return { router, server };
}
