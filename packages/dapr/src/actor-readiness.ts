import type { Sidecar } from './sidecar';

/**
 * A readiness check for an actor host: its sidecar has registered the actor types and is connected
 * to placement. Before that every actor call fails (the sidecar's /healthz answers long before), so
 * an inventory instance that says ready while unplaced would send its first callers 503s.
 */
export function actorHostReadiness(sidecar: Sidecar, timeoutMs = 1_500): () => Promise<void> {
  return async () => {
    const res = await fetch(`${sidecar.baseUrl}/v1.0/metadata`, { signal: AbortSignal.timeout(timeoutMs) });
    const meta = (await res.json()) as { actorRuntime?: { hostReady?: boolean; placement?: string } };
    const runtime = meta.actorRuntime;
    if (!runtime?.hostReady || !/connected/.test(runtime.placement ?? '')) {
      throw new Error(`actor host not ready (hostReady ${runtime?.hostReady}, placement ${runtime?.placement})`);
    }
  };
}
