import { useEffect, useState } from 'preact/hooks';

// A router of a few lines: the History API, and clicks on same-origin links intercepted.

type Listener = () => void;
const listeners = new Set<Listener>();
let count = 0;
/** How many client-side navigations happened since the page loaded. */
export const navigations = () => count;

export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  if (opts.replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  count++;
  scrollTo(0, 0);
  for (const l of listeners) l();
}

addEventListener('popstate', () => {
  count++;
  for (const l of listeners) l();
});

/** Intercepts plain left clicks on links to this app's own pages (not /api, /oidc). */
document.addEventListener('click', (e) => {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const a = (e.target as Element | null)?.closest?.('a');
  if (!a || a.target || a.hasAttribute('download')) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || /^\/(api|oidc)(\/|$)/i.test(url.pathname)) return;
  // An in-page anchor (the skip link): the browser scrolls and moves focus itself.
  if (url.hash && url.pathname === location.pathname && url.search === location.search) return;
  e.preventDefault();
  navigate(url.pathname + url.search + url.hash);
});

export interface Location {
  path: string;
  query: URLSearchParams;
}

export function useLocation(): Location {
  const [, force] = useState(0);
  useEffect(() => {
    const l = () => force((n) => n + 1);
    listeners.add(l);
    return () => void listeners.delete(l);
  }, []);
  return { path: location.pathname, query: new URLSearchParams(location.search) };
}
