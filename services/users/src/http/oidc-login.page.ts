import { escapeHtml } from '@dbcarts/http';

/**
 * The sign-in page of the authorization-code flow: a plain form, no script, posting to the same
 * origin. The interaction uid is in the action URL; the interaction cookie binds it to this browser.
 */
export function loginPage(opts: { uid: string; client: string; error?: string }): string {
  const uid = escapeHtml(opts.uid);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Sign in to DBcarts</title>
<style>body{font-family:system-ui,sans-serif;max-width:22rem;margin:4rem auto}label,input,button{display:block;width:100%;margin:.4rem 0}</style>
</head><body>
<h1>Sign in</h1>
<p>to continue to ${escapeHtml(opts.client)}</p>
${opts.error ? `<p role="alert">${escapeHtml(opts.error)}</p>` : ''}
<form method="post" action="/oidc/interaction/${uid}/login" autocomplete="on">
<label>Email <input type="email" name="email" required autofocus autocomplete="username"></label>
<label>Password <input type="password" name="password" required autocomplete="current-password"></label>
<button type="submit">Sign in</button>
</form>
<p><a href="/oidc/interaction/${uid}/abort">Cancel</a></p>
</body></html>`;
}
