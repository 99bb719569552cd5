/** Throws when `appId` cannot be reached through the gateway's sidecar (not registered, not answering). */
export type UpstreamProbe = (appId: string) => Promise<void>;

export interface UpstreamReadinessOptions {
  /** A probe's outcome is reused this long: a kubelet probing every few seconds costs one call per upstream. */
  cacheMs?: number;
  now?: () => number;
  onChange?: (appId: string, routable: boolean) => void;
}

/**
 * The gateway's /readyz check on the services it routes to, through its own sidecar (name
 * resolution, the callee's sidecar, the callee's own /readyz): the same path a request takes. Until every
 * upstream has answered once the gateway is not ready, so a stack (or a rollout) does not send it
 * traffic that would meet 503s from services not yet routable. Afterwards an upstream that stops
 * answering makes the check `degraded`, not failed: the gateway still serves everything else (taking
 * every gateway out of rotation would turn a catalog outage into a total one), and answers that
 * upstream's routes with problem+json 503s.
 */
export class UpstreamReadiness {
  private readonly seen = new Set<string>();
  private readonly cached = new Map<string, { at: number; ok: Promise<boolean> }>();

  constructor(
    private readonly upstreams: string[],
    private readonly probe: UpstreamProbe,
    private readonly opts: UpstreamReadinessOptions = {},
  ) {}

  /** The ReadinessCheck: throws naming the upstreams never reached yet; 'degraded' when one is down. */
  readonly check = async (): Promise<undefined | 'degraded'> => {
    const results = await Promise.all(this.upstreams.map(async (app) => [app, await this.routable(app)] as const));
    const never = results.filter(([app, ok]) => !ok && !this.seen.has(app)).map(([app]) => app);
    for (const [app, ok] of results) if (ok) this.seen.add(app);
    if (never.length) throw new Error(`not routable yet: ${never.join(', ')}`);
    return results.every(([, ok]) => ok) ? undefined : 'degraded';
  };

  private routable(app: string): Promise<boolean> {
    const now = (this.opts.now ?? Date.now)();
    const hit = this.cached.get(app);
    if (hit && now - hit.at < (this.opts.cacheMs ?? 1_000)) return hit.ok;
    const previous = hit?.ok;
    const ok = this.probe(app).then(
      () => true,
      () => false,
    );
    this.cached.set(app, { at: now, ok });
    if (this.opts.onChange) {
      void Promise.all([previous, ok]).then(([was, is]) => {
        if (was !== undefined && was !== is) this.opts.onChange?.(app, is);
      });
    }
    return ok;
  }
}
