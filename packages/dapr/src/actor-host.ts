import type { AbstractActor, DaprServer } from '@dapr/dapr';
import { KeyedLock } from '@dbcarts/concurrency';
import type { Logger } from '@dbcarts/logging';
import { counter } from '@dbcarts/metrics';
import express, { type NextFunction, type Request, type Response, Router } from 'express';
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
  const turns = new KeyedLock();
  const types = new Set(opts.actors.map((a) => a.name));
  for (const actor_type of types) {
    // Series at 0 from the start: a rate() or an alert sees "none yet", not "no data".
    heldBack.inc({ actor_type }, 0);
    dropped.inc({ actor_type }, 0);
  }
  const router = Router();
  router.use(async (req: Request, res: Response, next: NextFunction) => {
    if (!req.path.startsWith('/actors/') && req.path !== '/dapr/config') return next();
    const actor = ACTOR_PATH.exec(req.path);
    if (actor) {
      const type = types.has(actor[1] as string) ? (actor[1] as string) : 'other';
      const callerLeft = await takeTurn(turns, `${actor[1]}/${actor[2]}`, res, type);
      if (callerLeft) return;
    }
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

// Both stay at 0 while callers wait for their actor calls; anything else means callers time out on
// actor calls (a slow state store, an overloaded actor) and daprd lets go of turns early.
const heldBack = counter<'actor_type'>({
  name: 'actor_calls_held_total',
  help: 'Actor calls that arrived while the same actor still ran an earlier call whose caller had given up (daprd released its turn lock): held until that call ended',
  labelNames: ['actor_type'],
});
const dropped = counter<'actor_type'>({
  name: 'actor_calls_dropped_total',
  help: "Actor calls not run because their caller gave up while they waited for the actor's turn",
  labelNames: ['actor_type'],
});

/** /actors/{type}/{id}[/...]: a method, timer, reminder or deactivation of one actor. */
const ACTOR_PATH = /^\/actors\/([^/]+)\/([^/]+)(?:\/|$)/;

/**
 * Waits for the actor's turn in this process and holds it until the SDK has answered the call.
 * Dapr's own turn lock is not enough: the sidecar lets go of it as soon as the CALLER gives up (a
 * resiliency timeout, a client that hung up: pkg/actors/targets/app/app.go, Dapr 1.18), while the
 * app is still running that call; the next call then runs beside it, and two turns that each
 * loaded the SKU and saved their own version lost one's reservations (acknowledged, then sold
 * again: fault 9, a state-store partition). A call whose caller left while it waited is not run at
 * all: nobody will read its answer, and its retry, if any, comes with the same keys.
 * Deactivation (DELETE) waits here too, and daprd deactivates the actors moving away before it
 * applies a new placement table (HaltNonHosted), so an actor that moves to another replica has
 * finished its abandoned turn here before its new host runs one.
 * Answers true when the call was dropped that way.
 */
async function takeTurn(turns: KeyedLock, key: string, res: Response, type: string): Promise<boolean> {
  let release: () => void;
  if (!turns.isHeld(key)) {
    release = await turns.acquire(key); // the usual case: daprd sends one call of an actor at a time
  } else {
    heldBack.inc({ actor_type: type });
    let callerLeft = false;
    const onClose = () => {
      if (!res.writableFinished) callerLeft = true;
    };
    res.once('close', onClose);
    release = await turns.acquire(key);
    res.off('close', onClose);
    if (callerLeft) {
      release();
      dropped.inc({ actor_type: type });
      return true;
    }
  }
  // The turn ends when the SDK has written its answer, not when the connection closes: an early
  // 'close' (the caller gone mid-turn) is exactly the case the lock is for.
  const end = res.end.bind(res) as (...args: unknown[]) => Response;
  res.end = ((...args: unknown[]) => {
    release();
    return end(...args);
  }) as Response['end'];
  return false;
}
