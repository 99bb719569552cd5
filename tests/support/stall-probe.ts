import { expect } from 'vitest';

// Shared by the stalled-dependency tests: a request answered within the bound, and answered well.

/** The outer bound every request is held to (packages/http's request deadline), and timer slack on 2 shared cores. */
export const REQUEST_BOUND_MS = 8000;
export const SLACK_MS = 1500;

export interface Answer {
  path: string;
  status: number;
  ms: number;
  retryAfter: string | null;
  body: { code?: string; detail?: string; requestId?: string } & Record<string, unknown>;
}

export async function call(base: string, method: string, path: string, body?: unknown): Promise<Answer> {
  const started = Date.now();
  const res = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return {
    path,
    status: res.status,
    ms: Date.now() - started,
    retryAfter: res.headers.get('retry-after'),
    body: text ? JSON.parse(text) : {},
  };
}

/**
 * Within the bound, and either a success or a 503 problem that says when to come back, with a
 * stable code and the request id. The 503 is DEPENDENCY.UNAVAILABLE: an inner bound (Redis command,
 * sidecar call, database query) ended the wait and named what failed, before the request deadline
 * (SERVICE.DEADLINE_EXCEEDED, the backstop) had to.
 */
export function expectBoundedAnswer(a: Answer, allowed: number[] = [200, 503]): void {
  expect(a.ms, `${a.path} took ${a.ms} ms`).toBeLessThan(REQUEST_BOUND_MS + SLACK_MS);
  expect(allowed, `${a.path} answered ${a.status} ${JSON.stringify(a.body)}`).toContain(a.status);
  if (a.status === 503) {
    expect(Number(a.retryAfter), `${a.path}: Retry-After`).toBeGreaterThan(0);
    expect(a.body.code, `${a.path}: problem code`).toBe('DEPENDENCY.UNAVAILABLE');
    expect(a.body.requestId, `${a.path}: request id`).toEqual(expect.any(String));
  }
}

/** Retries `attempt` until it answers `status` or `withinMs` passes; the last answer. */
export async function eventually(attempt: () => Promise<Answer>, status: number, withinMs: number): Promise<Answer> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const a = await attempt();
    if (a.status === status || Date.now() > deadline) return a;
    await new Promise((r) => setTimeout(r, 250));
  }
}
