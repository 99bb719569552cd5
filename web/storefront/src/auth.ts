// Sign-in: OpenID Connect authorization code + PKCE as the public client `dbcarts-storefront`
// (no secret). The provider's endpoints are on this origin (/oidc, proxied by the gateway). Tokens
// live in sessionStorage: gone when the tab closes, never sent anywhere but this origin's API.

export const CLIENT_ID = 'dbcarts-storefront';
const SESSION = 'dbcarts.session';
const PENDING = 'dbcarts.signin';

export interface Session {
  accessToken: string;
  refreshToken?: string;
  /** epoch ms */
  expiresAt: number;
  email?: string;
  name?: string;
}

type Listener = () => void;
const listeners = new Set<Listener>();
export const onSessionChange = (l: Listener) => {
  listeners.add(l);
  return () => void listeners.delete(l);
};

export function currentSession(): Session | undefined {
  try {
    const raw = sessionStorage.getItem(SESSION);
    return raw ? (JSON.parse(raw) as Session) : undefined;
  } catch {
    return undefined;
  }
}

function save(s: Session | undefined): void {
  if (s) sessionStorage.setItem(SESSION, JSON.stringify(s));
  else sessionStorage.removeItem(SESSION);
  for (const l of listeners) l();
}

const b64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
const random = (n = 32) => b64url(crypto.getRandomValues(new Uint8Array(n)));
const redirectUri = () => `${location.origin}/callback`;

/** Sends the browser to the provider's sign-in page; comes back to /callback, then to `returnTo`. */
export async function signIn(returnTo = '/'): Promise<void> {
  const verifier = random();
  const challenge = b64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
  const state = random(16);
  const nonce = random(16);
  sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state, nonce, returnTo }));
  const q = new URLSearchParams({
    client_id: CLIENT_ID,
    response_type: 'code',
    redirect_uri: redirectUri(),
    scope: 'openid offline_access email profile api',
    // The provider grants offline_access (a refresh token) only with an explicit consent prompt.
    prompt: 'consent',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  location.assign(`/oidc/auth?${q}`);
}

interface TokenAnswer {
  access_token?: string;
  refresh_token?: string;
  id_token?: string;
  expires_in?: number;
  error?: string;
  error_description?: string;
}

async function tokenRequest(form: Record<string, string>): Promise<TokenAnswer> {
  const res = await fetch('/oidc/token', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  return (await res.json().catch(() => ({ error: `HTTP ${res.status}` }))) as TokenAnswer;
}

function claimsOf(jwt: string | undefined): Record<string, unknown> {
  try {
    const part = jwt?.split('.')[1];
    if (!part) return {};
    return JSON.parse(atob(part.replace(/-/g, '+').replace(/_/g, '/'))) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/** Finishes the flow on /callback: checks state, exchanges the code with the PKCE verifier. */
export async function completeSignIn(params: URLSearchParams): Promise<string> {
  const pending = JSON.parse(sessionStorage.getItem(PENDING) ?? 'null') as {
    verifier: string;
    state: string;
    nonce: string;
    returnTo: string;
  } | null;
  sessionStorage.removeItem(PENDING);
  if (params.get('error')) throw new Error(params.get('error_description') ?? params.get('error') ?? 'Sign-in failed');
  if (!pending || params.get('state') !== pending.state)
    throw new Error('This sign-in link is stale; please sign in again');
  const code = params.get('code');
  if (!code) throw new Error('The provider sent no code');
  const t = await tokenRequest({
    grant_type: 'authorization_code',
    code,
    redirect_uri: redirectUri(),
    client_id: CLIENT_ID,
    code_verifier: pending.verifier,
  });
  if (!t.access_token) throw new Error(t.error_description ?? t.error ?? 'Sign-in failed');
  const id = claimsOf(t.id_token);
  if (id.nonce !== pending.nonce) throw new Error('Sign-in answer did not match this request');
  save({
    accessToken: t.access_token,
    refreshToken: t.refresh_token,
    expiresAt: Date.now() + (t.expires_in ?? 300) * 1000,
    email: typeof id.email === 'string' ? id.email : undefined,
    name: typeof id.name === 'string' ? id.name : undefined,
  });
  return pending.returnTo.startsWith('/') && !pending.returnTo.startsWith('//') ? pending.returnTo : '/';
}

let refreshing: Promise<Session | undefined> | undefined;

/** A valid access token: refreshed (rotating refresh token) when it is about to expire. */
export async function accessToken(): Promise<string | undefined> {
  const s = currentSession();
  if (!s) return undefined;
  if (s.expiresAt - Date.now() > 30_000) return s.accessToken;
  if (!s.refreshToken) {
    save(undefined);
    return undefined;
  }
  refreshing ??= tokenRequest({ grant_type: 'refresh_token', refresh_token: s.refreshToken, client_id: CLIENT_ID })
    .then((t) => {
      const next = t.access_token
        ? {
            ...s,
            accessToken: t.access_token,
            refreshToken: t.refresh_token ?? s.refreshToken,
            expiresAt: Date.now() + (t.expires_in ?? 300) * 1000,
          }
        : undefined;
      save(next);
      return next;
    })
    .finally(() => {
      refreshing = undefined;
    });
  return (await refreshing)?.accessToken;
}

/** Forgets the tokens here and revokes the refresh token at the provider (best effort). */
export async function signOut(): Promise<void> {
  const s = currentSession();
  save(undefined);
  if (s?.refreshToken) {
    await fetch('/oidc/token/revocation', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: s.refreshToken, client_id: CLIENT_ID }).toString(),
    }).catch(() => undefined);
  }
}

export const signedOut = () => save(undefined);
