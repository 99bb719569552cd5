import { useState } from 'preact/hooks';
import { ApiError, api, type Cart, newKey, type Order } from '../api';
import { currentSession } from '../auth';
import { knownProduct } from '../catalog';
import { formatMoney } from '../money';
import { navigate } from '../router';
import { Alert, Loading, Price, Status, Title, useLoad } from '../ui';

export function CartPage() {
  const cart = useLoad(() => api<Cart>('GET', '/api/cart').then((r) => r.body), []);
  const [error, setError] = useState<unknown>();
  const [note, setNote] = useState('');
  const change = async (sku: string, quantity: number) => {
    setError(undefined);
    try {
      if (quantity <= 0) await api('DELETE', `/api/cart/items/${encodeURIComponent(sku)}`);
      else await api('PUT', `/api/cart/items/${encodeURIComponent(sku)}`, { body: { quantity } });
      setNote(quantity <= 0 ? `Removed ${knownProduct(sku)?.name ?? sku}.` : `Quantity updated to ${quantity}.`);
      cart.reload();
    } catch (e) {
      setError(e);
    }
  };
  const items = cart.data?.items ?? [];
  return (
    <>
      <Title text="Your cart" />
      {cart.loading && !cart.data && <Loading what="your cart" />}
      <Alert error={cart.error ?? error} />
      <Status>{note}</Status>
      {cart.data && items.length === 0 && (
        <p>
          Your cart is empty. <a href="/search">Browse products</a>
        </p>
      )}
      {items.length > 0 && cart.data && (
        <>
          <table class="lines">
            <caption class="sr-only">Items in your cart</caption>
            <thead>
              <tr>
                <th scope="col">Item</th>
                <th scope="col">Price</th>
                <th scope="col">Quantity</th>
                <th scope="col">
                  <span class="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((i) => {
                const known = knownProduct(i.sku);
                const label = known?.name ?? i.sku;
                return (
                  <tr key={i.sku}>
                    <th scope="row">{known ? <a href={`/p/${known.id}`}>{label}</a> : label}</th>
                    <td>
                      <Price value={i.unitPrice} />
                    </td>
                    <td>
                      <form
                        class="inline"
                        onSubmit={(e) => {
                          e.preventDefault();
                          const v = Number(new FormData(e.currentTarget as HTMLFormElement).get('quantity'));
                          void change(i.sku, v);
                        }}
                      >
                        <label>
                          <span class="sr-only">Quantity of {label}</span>
                          <input type="number" name="quantity" min="0" max="99" defaultValue={String(i.quantity)} />
                        </label>
                        <button type="submit">Update</button>
                      </form>
                    </td>
                    <td>
                      <button type="button" onClick={() => change(i.sku, 0)} aria-label={`Remove ${label}`}>
                        Remove
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <p class="total">
            Subtotal: <Price value={cart.data.subtotal} />
          </p>
          <p>
            <a class="button primary" href="/checkout">
              Go to checkout
            </a>
          </p>
        </>
      )}
    </>
  );
}

const COUNTRIES: [string, string][] = [
  ['US', 'United States'],
  ['DE', 'Germany'],
  ['FR', 'France'],
  ['GB', 'United Kingdom'],
  ['NL', 'Netherlands'],
  ['ES', 'Spain'],
  ['IT', 'Italy'],
];

const CARDS: [string, string][] = [
  ['tok_visa', 'Test Visa card (approves)'],
  ['tok_chargeDeclined', 'Test card that is declined'],
];

interface QueueAnswer {
  position?: number;
  estimatedWaitSeconds?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Checkout of the cart, or of one claimed drop unit (`?claim=<id>&sku=<sku>&qty=<n>`). A saturated
 * checkout answers 202 + a queue URL: polled (the fetch follows its 303 to the order) until done.
 */
export function CheckoutPage({ query }: { query: URLSearchParams }) {
  const claimId = query.get('claim');
  const claimSku = query.get('sku');
  const claimQty = Math.max(1, Number(query.get('qty')) || 1);
  const cart = useLoad(
    () => (claimId ? Promise.resolve(undefined) : api<Cart>('GET', '/api/cart').then((r) => r.body)),
    [claimId],
  );
  const [error, setError] = useState<unknown>();
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);
  const session = currentSession();

  const items =
    claimId && claimSku
      ? [{ sku: claimSku, quantity: claimQty, claimId }]
      : (cart.data?.items ?? []).map((i) => ({ sku: i.sku, quantity: i.quantity }));

  const place = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    const f = new FormData(e.currentTarget as HTMLFormElement);
    const field = (k: string) => String(f.get(k) ?? '').trim();
    const body = {
      items,
      ...(field('coupon') ? { couponCode: field('coupon') } : {}),
      shippingAddress: {
        name: field('name'),
        line1: field('line1'),
        ...(field('line2') ? { line2: field('line2') } : {}),
        city: field('city'),
        postalCode: field('postalCode'),
        country: field('country'),
      },
      payment: { provider: 'test', token: field('card') },
    };
    setBusy(true);
    setError(undefined);
    setStatus('Placing your order…');
    try {
      // One key per attempt: a retry after a network error replays, never pays twice.
      const key = newKey();
      let order: Order | undefined;
      for (let attempt = 0; ; attempt++) {
        try {
          const r = await api<Order | QueueAnswer>('POST', '/api/orders', { body, idempotencyKey: key });
          order =
            r.status === 202
              ? await waitInQueue(r.headers.get('location'), r.body as QueueAnswer, setStatus)
              : (r.body as Order);
          // Undefined: the queued checkout failed without an answer; the same key is placed again.
          if (order) break;
        } catch (err) {
          if (!(err instanceof ApiError && err.code === 'NETWORK')) throw err;
        }
        if (attempt >= 3) throw new Error('Your order could not be placed right now; please try again.');
        await sleep(1000);
      }
      if (!claimId) await emptyCart(items.map((i) => i.sku));
      setStatus('');
      navigate(`/orders/${order.id}?placed=1`);
    } catch (err) {
      setStatus('');
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  if (!claimId && cart.loading && !cart.data) return <Loading what="your cart" />;
  if (!claimId && cart.data && cart.data.items.length === 0) {
    return (
      <>
        <Title text="Checkout" />
        <p>
          Your cart is empty. <a href="/search">Browse products</a>
        </p>
      </>
    );
  }
  return (
    <>
      <Title text="Checkout" />
      <section aria-labelledby="summary">
        <h2 id="summary">Order summary</h2>
        <ul>
          {claimId && claimSku ? (
            <li>
              {claimQty} × {knownProduct(claimSku)?.name ?? claimSku} (claimed in a drop, held at the drop price)
            </li>
          ) : (
            cart.data?.items.map((i) => (
              <li key={i.sku}>
                {i.quantity} × {knownProduct(i.sku)?.name ?? i.sku} at {formatMoney(i.unitPrice)}
              </li>
            ))
          )}
        </ul>
        {cart.data && (
          <p class="total">
            Subtotal: <Price value={cart.data.subtotal} />
          </p>
        )}
      </section>
      <form class="stack" onSubmit={place}>
        <fieldset>
          <legend>Shipping address</legend>
          <label>
            Full name
            <input name="name" required autocomplete="name" maxLength={200} defaultValue={session?.name ?? ''} />
          </label>
          <label>
            Address
            <input name="line1" required autocomplete="address-line1" maxLength={200} />
          </label>
          <label>
            Address line 2 (optional)
            <input name="line2" autocomplete="address-line2" maxLength={200} />
          </label>
          <label>
            City
            <input name="city" required autocomplete="address-level2" maxLength={100} />
          </label>
          <label>
            Postal code
            <input name="postalCode" required autocomplete="postal-code" maxLength={20} />
          </label>
          <label>
            Country
            <select name="country" required autocomplete="country">
              {COUNTRIES.map(([c, n]) => (
                <option key={c} value={c}>
                  {n}
                </option>
              ))}
            </select>
          </label>
        </fieldset>
        <fieldset>
          <legend>Payment</legend>
          {CARDS.map(([token, label], i) => (
            <label class="radio" key={token}>
              <input type="radio" name="card" value={token} defaultChecked={i === 0} required /> {label}
            </label>
          ))}
        </fieldset>
        {!claimId && (
          <label>
            Coupon code (optional)
            <input name="coupon" maxLength={64} />
          </label>
        )}
        <Alert error={error} />
        <Status>{status}</Status>
        <button type="submit" class="primary" disabled={busy}>
          Place order
        </button>
      </form>
    </>
  );
}

async function waitInQueue(
  location: string | null,
  first: QueueAnswer,
  say: (s: string) => void,
): Promise<Order | undefined> {
  if (!location) throw new Error('The checkout queue gave no place to wait');
  let answer = first;
  for (;;) {
    say(
      `Lots of shoppers right now: you are number ${(answer.position ?? 0) + 1} in the checkout queue (about ${answer.estimatedWaitSeconds ?? 1} s). Please keep this page open.`,
    );
    await sleep(Math.min(5, Math.max(1, answer.estimatedWaitSeconds ?? 1)) * 1000);
    try {
      // The queue URL answers 202 until the order exists, then 303 to it (fetch follows it).
      const r = await api<Order | QueueAnswer>('GET', location);
      if (r.status !== 202 && (r.body as Order).id) return r.body as Order;
      answer = r.body as QueueAnswer;
    } catch (err) {
      // 404: the checkout failed without an answer and its key was released: place it again.
      if (err instanceof ApiError && err.status === 404) return undefined;
      if (!(err instanceof ApiError && err.code === 'NETWORK')) throw err;
    }
  }
}

async function emptyCart(skus: string[]): Promise<void> {
  const cart = await api<Cart>('GET', '/api/cart').catch(() => undefined);
  const left = cart?.body.items.filter((i) => skus.includes(i.sku)) ?? [];
  await Promise.all(
    left.map((i) => api('DELETE', `/api/cart/items/${encodeURIComponent(i.sku)}`).catch(() => undefined)),
  );
}

/** The drop page: running flash sales with a live countdown; one click claims, then checkout. */
