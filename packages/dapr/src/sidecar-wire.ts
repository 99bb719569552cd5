// The sidecar client's types and the pure helpers of its HTTP exchange (kept apart: sidecar.ts is the calls).
import type { Problem } from '@dbcarts/errors';

export interface SidecarAddress {
  host: string;
  httpPort: number;
}

export interface InvokeOptions {
  body?: unknown;
  headers?: Record<string, string>;
  query?: Record<string, string | number | undefined>;
  /** Per-call bound instead of the sidecar's default (SidecarTimeouts). */
  timeoutMs?: number;
}

/**
 * How long one call to the sidecar may take before it counts as a dependency fault (it used to be
 * 30 s, so a stalled store held every request that touched it for as long as the stall lasted).
 * Both stay under the 8 s request deadline of packages/http so the answer names what failed.
 */
export interface SidecarTimeouts {
  /** Service invocation and actor methods: above the 5 s per attempt of resiliency.yaml, so Dapr's own timeout answers first. */
  invokeMs: number;
  /** Building blocks (state, pub/sub, configuration, secrets, actor state): a store answers in ms when healthy. */
  componentMs: number;
}

export const DEFAULT_SIDECAR_TIMEOUTS: SidecarTimeouts = { invokeMs: 6000, componentMs: 3000 };

export type ActorStateOperation =
  | { operation: 'upsert'; request: { key: string; value: unknown } }
  | { operation: 'delete'; request: { key: string } };

export interface InvokeResult<T> {
  status: number;
  headers: Headers;
  body: T;
}

export function toQuery(query: InvokeOptions['query']): string {
  if (!query) return '';
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') qs.set(k, String(v));
  const s = qs.toString();
  return s ? `?${s}` : '';
}

export function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function isProblem(body: unknown): body is Problem {
  return (
    typeof body === 'object' &&
    body !== null &&
    typeof (body as Problem).code === 'string' &&
    typeof (body as Problem).status === 'number'
  );
}

/** Why a call got no answer, for the log: a timeout, or the error and its cause (undici: "fetch failed" ← ECONNREFUSED). */
export function transportFault(e: unknown, timeoutMs: number): string {
  const err = e as Error & { cause?: { message?: string } };
  if (err?.name === 'TimeoutError' || err?.name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  return err?.cause?.message ? `${err.message}: ${err.cause.message}` : String(err?.message ?? e);
}
