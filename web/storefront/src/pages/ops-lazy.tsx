import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { currentSession } from '../auth';
import { Alert, Loading } from '../ui';

// The ops board is for admins only: its code (page, chart) is a chunk of its own, loaded when the
// page is opened, so customers never download it.

export function LazyOpsPage() {
  const [Page, setPage] = useState<ComponentType>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    import('./ops').then(
      (m) => setPage(() => m.OpsPage),
      () => setError(new Error('The ops board could not be loaded; reload the page.')),
    );
  }, []);
  if (error) return <Alert error={error} />;
  return Page ? <Page /> : <Loading what="the ops board" />;
}

/** The access token's roles (the gateway checks them; this only decides what the nav shows). */
export function isAdmin(): boolean {
  const token = currentSession()?.accessToken;
  try {
    const part = token?.split('.')[1];
    if (!part) return false;
    const claims = JSON.parse(atob(part.replace(/-/g, '+').replace(/_/g, '/'))) as { roles?: unknown };
    return Array.isArray(claims.roles) && claims.roles.includes('admin');
  } catch {
    return false;
  }
}
