import { escapeHtml, toProblem } from '@dbcarts/http';
import express, { type NextFunction, type Request, type RequestHandler, type Response, Router } from 'express';
import { errors, type Provider } from 'oidc-provider';
import { z } from 'zod';
import type { AuthenticateUseCase } from '../app/authenticate.use-case';
import { InvalidCredentialsError, KdfBusyError, TooManyLoginAttemptsError } from '../domain/user';
import { loginPage } from './oidc-login.page';

const LoginForm = z.object({ email: z.string().max(254), password: z.string().max(1024) });

/**
 * The provider's own endpoints (/oidc/*, discovery) and the interaction pages it redirects the
 * browser to. Every URL the provider prints is built from the configured issuer, never from the
 * Host or X-Forwarded-Host a caller sent (those would let a request rewrite redirect targets).
 */
export function oidcRoutes(provider: Provider, auth: AuthenticateUseCase, issuer: string): Router {
  const r = Router();
  const form = express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 10 });
  const noStore = (res: Response) => res.set('Cache-Control', 'no-store');

  r.get('/oidc/interaction/:uid', async (req, res) => {
    const details = await provider.interactionDetails(req, res);
    noStore(res);
    if (details.prompt.name === 'login') {
      return void res.type('html').send(loginPage({ uid: details.uid, client: String(details.params.client_id) }));
    }
    // Only our own, statically registered clients exist (no dynamic registration): consent to what
    // they asked within their registered scopes is implied, as for any first-party app.
    const missing = details.prompt.details as {
      missingOIDCScope?: string[];
      missingOIDCClaims?: string[];
      missingResourceScopes?: Record<string, string[]>;
    };
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: details.session?.accountId, clientId: String(details.params.client_id) });
    if (!grant) throw new errors.SessionNotFound('grant not found');
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  });

  r.post('/oidc/interaction/:uid/login', form, async (req, res) => {
    const details = await provider.interactionDetails(req, res);
    noStore(res);
    const parsed = LoginForm.safeParse(req.body ?? {});
    const client = String(details.params.client_id);
    if (!parsed.success) {
      return void res
        .status(400)
        .type('html')
        .send(loginPage({ uid: details.uid, client, error: 'Enter your email and password' }));
    }
    try {
      const user = await auth.verifyCredentials(parsed.data.email, parsed.data.password);
      await provider.interactionFinished(
        req,
        res,
        { login: { accountId: user.id } },
        { mergeWithLastSubmission: false },
      );
    } catch (e) {
      if (e instanceof TooManyLoginAttemptsError || e instanceof KdfBusyError) {
        // The same budget and queue as POST /auth/login, answered as a page: status from the one
        // mapper of kinds (429, 503), and when to try again.
        const seconds = Number(e.details.retryAfterSeconds);
        const error =
          e instanceof KdfBusyError
            ? 'Sign-in is busy right now; please try again in a moment'
            : `Too many attempts; try again in ${Math.ceil(seconds / 60)} minute(s)`;
        return void res
          .status(toProblem(e).status)
          .set('Retry-After', String(seconds))
          .type('html')
          .send(loginPage({ uid: details.uid, client, error }));
      }
      if (!(e instanceof InvalidCredentialsError)) throw e;
      res
        .status(401)
        .type('html')
        .send(loginPage({ uid: details.uid, client, error: 'Email or password is wrong' }));
    }
  });

  r.get('/oidc/interaction/:uid/abort', async (req, res) => {
    await provider.interactionFinished(
      req,
      res,
      { error: 'access_denied', error_description: 'The user cancelled the sign-in' },
      { mergeWithLastSubmission: false },
    );
  });

  // An interaction that expired or belongs to another browser: a page, not a 500.
  r.use('/oidc/interaction', (err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (!(err instanceof errors.OIDCProviderError)) return next(err);
    res
      .status(err.statusCode)
      .type('html')
      .set('Cache-Control', 'no-store')
      .send(
        `<!doctype html><meta charset="utf-8"><title>Sign-in error</title><p>${escapeHtml(err.error_description ?? err.message)}</p>`,
      );
  });

  r.use(providerEndpoints(provider, issuer));
  return r;
}

function providerEndpoints(provider: Provider, issuer: string): RequestHandler {
  const origin = new URL(issuer);
  const handle = provider.callback();
  return (req, res, next) => {
    if (!req.path.startsWith('/oidc/') && req.path !== '/.well-known/openid-configuration') return next();
    req.headers.host = origin.host;
    req.headers['x-forwarded-proto'] = origin.protocol.slice(0, -1);
    delete req.headers['x-forwarded-host'];
    delete req.headers.forwarded;
    void handle(req, res);
  };
}
