import { DependencyUnavailableError, UpstreamProblemError } from '@dbcarts/errors';
import { currentRequestContext } from '@dbcarts/logging';
import { traceHeaders } from '@dbcarts/telemetry';
import {
  type ActorStateOperation,
  DEFAULT_SIDECAR_TIMEOUTS,
  type InvokeOptions,
  type InvokeResult,
  isProblem,
  type SidecarAddress,
  type SidecarTimeouts,
  safeJson,
  toQuery,
  transportFault,
} from './sidecar-wire';

export type { ActorStateOperation, InvokeOptions, InvokeResult, SidecarAddress, SidecarTimeouts } from './sidecar-wire';

/**
 * The app's view of its Dapr sidecar over HTTP. Raw fetch (undici, keep-alive) rather than the SDK
 * client here because callers need the callee's status and problem body, which the SDK's invoker
 * flattens into a generic error.
 */
export class Sidecar {
  readonly baseUrl: string;
  readonly timeouts: SidecarTimeouts;

  constructor(
    readonly address: SidecarAddress,
    timeouts: Partial<SidecarTimeouts> = {},
  ) {
    this.baseUrl = `http://${address.host}:${address.httpPort}`;
    this.timeouts = { ...DEFAULT_SIDECAR_TIMEOUTS, ...timeouts };
  }

  /** Waits for the sidecar's outbound readiness (components loaded), so first calls don't race it. */
  async waitUntilReady(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      try {
        const res = await fetch(`${this.baseUrl}/v1.0/healthz/outbound`, { signal: AbortSignal.timeout(2000) });
        if (res.status === 204 || res.ok) return;
        last = `status ${res.status}`;
      } catch (e) {
        last = (e as Error).message;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new DependencyUnavailableError('dapr sidecar', `${this.baseUrl} not ready after ${timeoutMs} ms (${last})`);
  }

  async health(): Promise<void> {
    const res = await fetch(`${this.baseUrl}/v1.0/healthz/outbound`, { signal: AbortSignal.timeout(2000) });
    if (res.status >= 300) throw new Error(`sidecar health ${res.status}`);
  }

  invokeService<T>(appId: string, method: string, path: string, opts: InvokeOptions = {}): Promise<InvokeResult<T>> {
    const qs = toQuery(opts.query);
    const url = `/v1.0/invoke/${appId}/method/${path.replace(/^\//, '')}${qs}`;
    const bounded = { ...opts, timeoutMs: opts.timeoutMs ?? this.timeouts.invokeMs };
    return this.request<T>(appId, method, url, bounded, `The ${appId} service`);
  }

  /**
   * Like invokeService, but every answer the callee gave comes back (status, headers, body) instead
   * of a thrown problem: for idempotent writes whose stored answer (a 402, a 409) is relayed as is.
   * Only an unreachable sidecar or callee throws.
   */
  async invokeServiceAnswer<T>(appId: string, method: string, path: string, opts: InvokeOptions = {}) {
    const qs = toQuery(opts.query);
    const url = `/v1.0/invoke/${appId}/method/${path.replace(/^\//, '')}${qs}`;
    const bounded = { ...opts, timeoutMs: opts.timeoutMs ?? this.timeouts.invokeMs };
    const publicName = `The ${appId} service`;
    const res = await this.send(appId, method, url, bounded, publicName);
    // A 5xx that is not the callee's problem+json is Dapr's own (callee down): a fault, not an answer.
    if (res.status >= 500 && !isProblem(res.body)) {
      throw new DependencyUnavailableError(appId, `HTTP ${res.status} ${res.text.slice(0, 300)}`, { publicName });
    }
    return { status: res.status, headers: res.headers, body: res.body as T };
  }

  invokeActor<T>(actorType: string, actorId: string, method: string, body?: unknown, timeoutMs?: number): Promise<T> {
    // Always an object body: the SDK's actor runtime spreads a top-level array into the method's arguments.
    const path = `/v1.0/actors/${actorType}/${encodeURIComponent(actorId)}/method/${method}`;
    const bounded = { body: body ?? {}, timeoutMs: timeoutMs ?? this.timeouts.invokeMs };
    return this.request<T>(`actor ${actorType}`, 'PUT', path, bounded).then((r) => r.body);
  }

  /** One secret from a secret store component (local file in dev, Kubernetes secrets in production). */
  async getSecret(store: string, key: string): Promise<string> {
    const res = await this.request<Record<string, string>>(
      `secrets ${store}`,
      'GET',
      `/v1.0/secrets/${store}/${encodeURIComponent(key)}`,
      {},
    );
    const value = res.body?.[key];
    if (typeof value !== 'string') throw new DependencyUnavailableError(`secrets ${store}`, `no secret ${key}`);
    return value;
  }

  /** Current values of configuration keys (Dapr Configuration API); absent keys are left out. */
  async invokeConfiguration(store: string, keys: string[]): Promise<Record<string, string>> {
    const qs = keys.map((k) => `key=${encodeURIComponent(k)}`).join('&');
    const res = await this.request<Record<string, { value: string }>>(
      `configuration ${store}`,
      'GET',
      `/v1.0/configuration/${store}?${qs}`,
      {},
    );
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(res.body ?? {})) if (typeof v?.value === 'string') out[k] = v.value;
    return out;
  }

  /** A value from a state store component (undefined when absent). */
  async getState<T>(store: string, key: string): Promise<T | undefined> {
    return (await this.readState<T>(store, key))?.value;
  }

  /** Saves values; `ttlSeconds` lets the store expire them (Redis, MariaDB, PostgreSQL all honour it). */
  async saveState(store: string, entries: { key: string; value: unknown; ttlSeconds?: number }[]): Promise<void> {
    const body = entries.map((e) => ({
      key: e.key,
      value: e.value,
      ...(e.ttlSeconds ? { metadata: { ttlInSeconds: String(e.ttlSeconds) } } : {}),
    }));
    await this.request(`state ${store}`, 'POST', `/v1.0/state/${store}`, { body });
  }

  /** A value and its ETag, for a later conditional write (undefined when absent). */
  async getStateVersioned<T>(store: string, key: string): Promise<{ value: T; etag: string } | undefined> {
    const read = await this.readState<T>(store, key);
    return read?.etag ? { value: read.value, etag: read.etag } : undefined;
  }

  private async readState<T>(store: string, key: string): Promise<{ value: T; etag: string | null } | undefined> {
    const res = await this.request<T | string>(
      `state ${store}`,
      'GET',
      `/v1.0/state/${store}/${encodeURIComponent(key)}`,
      {},
    );
    if (res.status === 204 || res.body === '') return undefined;
    return { value: res.body as T, etag: res.headers.get('etag') };
  }

  /**
   * Writes only if the key still has `etag`, or, without one, only if the key does not exist yet
   * (first-write-wins): false when another writer got there first, so the caller rereads or gives up.
   * Dapr answers a stale ETag with 409 and a create over an existing key with ERR_STATE_SAVE; a caller
   * that loops on false must bound its attempts (a store outage looks the same from here).
   */
  async saveStateIfMatch(
    store: string,
    entry: { key: string; value: unknown; etag?: string; ttlSeconds?: number },
  ): Promise<boolean> {
    const body = [
      {
        key: entry.key,
        value: entry.value,
        ...(entry.etag ? { etag: entry.etag } : {}),
        options: { concurrency: 'first-write', consistency: 'strong' },
        ...(entry.ttlSeconds ? { metadata: { ttlInSeconds: String(entry.ttlSeconds) } } : {}),
      },
    ];
    const res = await this.send(`state ${store}`, 'POST', `/v1.0/state/${store}`, { body });
    if (res.ok) return true;
    if (res.status === 409 || (!entry.etag && res.text.includes('ERR_STATE_SAVE'))) return false;
    throw new DependencyUnavailableError(`state ${store}`, `HTTP ${res.status} ${res.text.slice(0, 300)}`);
  }

  /** Several keys in one call (absent keys are left out of the map). */
  async getBulkState<T>(store: string, keys: string[]): Promise<Map<string, T>> {
    const out = new Map<string, T>();
    if (!keys.length) return out;
    const res = await this.request<{ key: string; data?: T }[]>(`state ${store}`, 'POST', `/v1.0/state/${store}/bulk`, {
      body: { keys, parallelism: 16 },
    });
    for (const item of res.body ?? []) if (item.data !== undefined && item.data !== null) out.set(item.key, item.data);
    return out;
  }

  async deleteState(store: string, key: string): Promise<void> {
    await this.request(`state ${store}`, 'DELETE', `/v1.0/state/${store}/${encodeURIComponent(key)}`, {});
  }

  /** One key of an actor's state, read over the actor state API (undefined when absent). */
  async getActorState<T>(actorType: string, actorId: string, key: string): Promise<T | undefined> {
    const path = `/v1.0/actors/${actorType}/${encodeURIComponent(actorId)}/state/${encodeURIComponent(key)}`;
    const res = await this.request<T | string>(`actor ${actorType} state`, 'GET', path, {});
    return res.status === 204 || res.body === '' ? undefined : (res.body as T);
  }

  /**
   * Writes several keys of an actor's state in one transaction. Only valid inside a turn of that
   * actor, on the host where it is active. Unlike the SDK's state manager it never asks the sidecar
   * whether a key exists first (a round trip per new key).
   */
  async saveActorState(actorType: string, actorId: string, ops: ActorStateOperation[]): Promise<void> {
    if (!ops.length) return;
    const path = `/v1.0/actors/${actorType}/${encodeURIComponent(actorId)}/state`;
    await this.request(`actor ${actorType} state`, 'POST', path, { body: ops });
  }

  /** A one-shot reminder (Dapr scheduler) that calls the actor back at `dueInMs`, even after deactivation. */
  async setActorReminder(
    actorType: string,
    actorId: string,
    name: string,
    dueInMs: number,
    data?: unknown,
  ): Promise<void> {
    const path = `/v1.0/actors/${actorType}/${encodeURIComponent(actorId)}/reminders/${encodeURIComponent(name)}`;
    await this.request(`actor ${actorType} reminder`, 'POST', path, {
      body: { dueTime: `${Math.max(0, Math.ceil(dueInMs))}ms`, data: data ?? null },
    });
  }

  /**
   * Publishes with our own CloudEvent id so consumers can deduplicate on it. Dapr takes envelope
   * overrides as `metadata.cloudevent.<field>`; a plain `metadata.id` is ignored (every publish then
   * got a random id, so a re-published outbox row looked like a new event to every consumer).
   */
  async publish(
    pubsub: string,
    topic: string,
    data: unknown,
    opts: { id?: string; traceparent?: string } = {},
  ): Promise<void> {
    const meta = opts.id ? `?metadata.cloudevent.id=${encodeURIComponent(opts.id)}` : '';
    // A traceparent given (an outbox row's, written by an earlier request) wins over the current one:
    // the sidecar puts it into the CloudEvent and the consumers' spans join that request's trace.
    const headers = opts.traceparent ? { traceparent: opts.traceparent } : undefined;
    await this.request('pubsub', 'POST', `/v1.0/publish/${pubsub}/${topic}${meta}`, { body: data, headers });
  }

  /**
   * One call to the sidecar; only an unreachable or stalled sidecar throws, any answer is returned
   * as is. `target` and the transport text are for the log; a client reads `publicName` only.
   */
  private async send(
    target: string,
    method: string,
    path: string,
    opts: InvokeOptions,
    publicName?: string,
  ): Promise<{ ok: boolean; status: number; headers: Headers; text: string; body: unknown }> {
    const headers: Record<string, string> = { ...traceHeaders(), ...opts.headers };
    // The callee logs under the caller's request id: one id finds every line of a request.
    const requestId = currentRequestContext()?.requestId;
    if (requestId) headers['x-request-id'] ??= requestId;
    let payload: string | undefined;
    if (opts.body !== undefined) {
      payload = JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    }
    const timeoutMs = opts.timeoutMs ?? this.timeouts.componentMs;
    let res: Response;
    let text: string;
    try {
      // The signal bounds the body too: a sidecar that sends headers and then stalls is caught as well.
      res = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers,
        body: payload,
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await res.text();
    } catch (e) {
      throw new DependencyUnavailableError(target, transportFault(e, timeoutMs), { publicName });
    }
    const type = res.headers.get('content-type') ?? '';
    const body = text && type.includes('json') ? safeJson(text) : text;
    return { ok: res.ok, status: res.status, headers: res.headers, text, body };
  }

  /** One call to the sidecar that succeeds, or throws the callee's problem or a dependency fault. */
  private async request<T>(
    target: string,
    method: string,
    path: string,
    opts: InvokeOptions,
    publicName?: string,
  ): Promise<InvokeResult<T>> {
    const { ok, status, headers, body } = await this.send(target, method, path, opts, publicName);
    // 304 is a success for conditional GETs (If-None-Match relayed to the callee).
    if (ok || status === 304) return { status, headers, body: body as T };
    if (isProblem(body)) throw new UpstreamProblemError(body, target);
    // A non-problem failure comes from Dapr itself (callee down, no route, actor error): a dependency fault.
    const detail = typeof body === 'object' && body ? JSON.stringify(body) : String(body).slice(0, 300);
    throw new DependencyUnavailableError(target, `HTTP ${status} ${detail}`, { publicName });
  }
}
