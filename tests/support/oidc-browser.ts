import { createHash, randomBytes } from 'node:crypto';
import { expect } from 'vitest';

// The browser side of the OIDC authorization-code flow, for tests that walk it over HTTP.
export const STOREFRONT = 'dbcarts-storefront';
export const STOREFRONT_REDIRECT = 'http://127.0.0.1:3000/callback';

/** A browser's cookie jar, reduced to what the flow needs (one origin, names → values). */
export class Browser {
  private readonly cookies = new Map<string, string>();

  constructor(private readonly origin: string) {}

  async go(url: string, init: RequestInit = {}): Promise<Response> {
    const res = await fetch(new URL(url, this.origin), {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), cookie: this.cookieHeader() },
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair?.indexOf('=') ?? -1;
      if (pair && eq > 0) this.cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    return res;
  }

  /** Follows redirects inside our origin; stops at the first one leaving it (the client's callback). */
  async follow(res: Response): Promise<Response | URL> {
    for (let hops = 0; hops < 10; hops++) {
      if (res.status < 300 || res.status >= 400) return res;
      const next = new URL(res.headers.get('location') ?? '', this.origin);
      if (next.origin !== new URL(this.origin).origin) return next;
      res = await this.go(next.href);
    }
    throw new Error('redirect loop');
  }

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

export const pkce = () => {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
};

/** An authorization request of the storefront (code + PKCE). */
export const authQuery = (challenge: string, extra: Record<string, string> = {}) =>
  new URLSearchParams({
    client_id: STOREFRONT,
    response_type: 'code',
    redirect_uri: STOREFRONT_REDIRECT,
    scope: 'openid offline_access email api',
    // OIDC grants offline_access (a refresh token) only with an explicit consent prompt.
    prompt: 'consent',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...extra,
  });

/** Starts an authorization request and lands on the sign-in page; returns its form's action. */
export async function openSignIn(browser: Browser, query: URLSearchParams): Promise<string> {
  const page = await browser.follow(await browser.go(`/oidc/auth?${query}`));
  if (page instanceof URL) throw new Error(`expected the sign-in page, got a redirect to ${page}`);
  expect(page.status).toBe(200);
  expect(page.headers.get('content-type')).toContain('text/html');
  expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  const action = /action="([^"]+)"/.exec(await page.text())?.[1];
  expect(action).toMatch(/^\/oidc\/interaction\/[\w-]+\/login$/);
  return action as string;
}

/** Posts the sign-in form. */
export const signIn = (browser: Browser, action: string, email: string, password: string) =>
  browser.go(action, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email, password }).toString(),
  });

/** Exchanges at the token endpoint (form-encoded, optional client_secret_basic). */
export async function token(origin: string, form: Record<string, string>, basic?: string) {
  const res = await fetch(`${origin}/oidc/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(basic ? { authorization: `Basic ${Buffer.from(basic).toString('base64')}` } : {}),
    },
    body: new URLSearchParams(form).toString(),
  });
  return { status: res.status, body: (await res.json()) as Record<string, string> };
}

export const exchangeCode = (origin: string, code: string, verifier: string) =>
  token(origin, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: STOREFRONT_REDIRECT,
    client_id: STOREFRONT,
    code_verifier: verifier,
  });
