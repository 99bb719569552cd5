import { useEffect, useState } from 'preact/hooks';
import { api, type Order, type Page } from '../api';
import { completeSignIn, signIn } from '../auth';
import { navigate } from '../router';
import { Alert, formatDate, Loading, Price, Status, Title, useLoad } from '../ui';

export function Callback() {
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    completeSignIn(new URLSearchParams(location.search)).then(
      (to) => navigate(to, { replace: true }),
      (e) => setError(e),
    );
  }, []);
  return (
    <>
      <Title text="Signing you in" />
      {error ? (
        <>
          <Alert error={error} />
          <button type="button" onClick={() => signIn('/')}>
            Try again
          </button>
        </>
      ) : (
        <Status>Finishing sign-in…</Status>
      )}
    </>
  );
}

export function SignInPage({ query }: { query: URLSearchParams }) {
  const to = query.get('returnTo') ?? '/';
  return (
    <>
      <Title text="Sign in" />
      <p>You sign in on the DBcarts account page and come straight back here.</p>
      <button type="button" class="primary" onClick={() => signIn(to.startsWith('/') ? to : '/')}>
        Continue to sign in
      </button>
      <p>
        New here? <a href="/register">Create an account</a>
      </p>
    </>
  );
}

export function Register() {
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget as HTMLFormElement);
    setBusy(true);
    setError(undefined);
    try {
      await api('POST', '/api/auth/register', {
        auth: false,
        body: {
          name: String(f.get('name')).trim(),
          email: String(f.get('email')).trim(),
          password: String(f.get('password')),
        },
      });
      setDone(String(f.get('email')));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  if (done) {
    return (
      <>
        <Title text="Account created" />
        <Status>Your account {done} is ready.</Status>
        <button type="button" class="primary" onClick={() => signIn('/')}>
          Sign in now
        </button>
      </>
    );
  }
  return (
    <>
      <Title text="Create an account" />
      <form class="stack" onSubmit={submit}>
        <label>
          Name
          <input name="name" required autocomplete="name" maxLength={200} />
        </label>
        <label>
          Email
          <input name="email" type="email" required autocomplete="email" />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            required
            minLength={10}
            autocomplete="new-password"
            aria-describedby="pw-hint"
          />
        </label>
        <p id="pw-hint" class="muted">
          At least 10 characters.
        </p>
        <Alert error={error} />
        <button type="submit" class="primary" disabled={busy}>
          Create account
        </button>
      </form>
    </>
  );
}

export const STATUS: Record<string, string> = {
  pending: 'Processing',
  confirmed: 'Confirmed',
  shipped: 'Shipped',
  delivered: 'Delivered',
  cancelled: 'Cancelled',
  returned: 'Returned',
  failed: 'Failed',
};

export function Orders() {
  const orders = useLoad(
    () =>
      api<Page<Order> | Order[]>('GET', '/api/orders?pageSize=50').then((r) =>
        Array.isArray(r.body) ? r.body : r.body.items,
      ),
    [],
  );
  return (
    <>
      <Title text="Your orders" />
      {orders.loading && !orders.data && <Loading what="your orders" />}
      <Alert error={orders.error} />
      {orders.data?.length === 0 && (
        <p>
          No orders yet. <a href="/">Start shopping</a>
        </p>
      )}
      {orders.data && orders.data.length > 0 && (
        <table class="lines">
          <caption class="sr-only">Your orders, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Order</th>
              <th scope="col">Placed</th>
              <th scope="col">Status</th>
              <th scope="col">Total</th>
            </tr>
          </thead>
          <tbody>
            {orders.data.map((o) => (
              <tr key={o.id}>
                <th scope="row">
                  <a href={`/orders/${o.id}`}>Order {o.id.slice(0, 8)}</a>
                </th>
                <td>{formatDate(o.createdAt)}</td>
                <td>{STATUS[o.status] ?? o.status}</td>
                <td>
                  <Price value={o.total} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

interface Notification {
  id: string;
  kind: string;
  subject: string;
  message: string;
  createdAt: string;
  orderId?: string;
}

export function Notifications() {
  const list = useLoad(
    () => api<Page<Notification>>('GET', '/api/me/notifications?pageSize=50').then((r) => r.body.items),
    [],
  );
  return (
    <>
      <Title text="Notifications" />
      {list.loading && !list.data && <Loading what="notifications" />}
      <Alert error={list.error} />
      {list.data?.length === 0 && <p>Nothing yet: order confirmations, shipping and refunds show up here.</p>}
      <ul class="notes">
        {list.data?.map((n) => (
          <li key={n.id}>
            <h2>{n.subject}</h2>
            <p class="muted">
              {formatDate(n.createdAt)}
              {n.orderId && (
                <>
                  {' '}
                  · <a href={`/orders/${n.orderId}`}>Order {n.orderId.slice(0, 8)}</a>
                </>
              )}
            </p>
            <p class="pre">{n.message}</p>
          </li>
        ))}
      </ul>
    </>
  );
}
