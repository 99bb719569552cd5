import { useEffect, useState } from 'preact/hooks';
import { api, type Claim, type FlashSale, newKey } from '../api';
import { currentSession, signIn } from '../auth';
import { knownProduct } from '../catalog';
import { formatMoney } from '../money';
import { navigate } from '../router';
import { Alert, Loading, Price, Status, Title, useLoad } from '../ui';

// Drops: the running flash sales with a live countdown, each claimed in one click (then checked out).

export function DropsPage() {
  const sales = useLoad(
    () => api<FlashSale[]>('GET', '/api/flash-sales/active', { auth: false }).then((r) => r.body),
    [],
  );
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    const r = setInterval(() => sales.reload(), 10_000);
    return () => {
      clearInterval(t);
      clearInterval(r);
    };
  }, [sales.reload]);
  return (
    <>
      <Title text="Drops" />
      <p class="muted">Limited units at a special price, first come, first served.</p>
      {sales.loading && !sales.data && <Loading what="drops" />}
      <Alert error={sales.error} />
      {sales.data?.length === 0 && <p>No drop is running right now. Check back soon.</p>}
      <ul class="grid">
        {sales.data?.map((s) => (
          <Drop key={s.id} sale={s} now={now} />
        ))}
      </ul>
    </>
  );
}

function countdown(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return `${h > 0 ? `${h}:` : ''}${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}`;
}

function Drop({ sale, now }: { sale: FlashSale; now: number }) {
  const [claim, setClaim] = useState<Claim>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [key] = useState(newKey);
  const starts = Date.parse(sale.startsAt);
  const ends = Date.parse(sale.endsAt);
  const running = now >= starts && now < ends;
  const name = knownProduct(sale.sku)?.name ?? sale.sku;
  const doClaim = async () => {
    if (!currentSession()) {
      return void signIn('/drops');
    }
    setBusy(true);
    setError(undefined);
    try {
      // The same key for this drop card: a double click or a retry replays the one claim.
      const r = await api<Claim>('POST', `/api/flash-sales/${encodeURIComponent(sale.sku)}/claims`, {
        body: { quantity: 1 },
        idempotencyKey: key,
      });
      setClaim(r.body);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const headingId = `drop-${sale.id}`;
  return (
    <li class="card drop" aria-labelledby={headingId}>
      <h2 id={headingId}>{name}</h2>
      <p>
        <Price value={sale.price} /> · {sale.remaining} of {sale.quantity} left · limit {sale.perCustomerLimit} per
        customer
      </p>
      <p class="countdown">
        {now < starts ? (
          <>
            Starts in <time dateTime={sale.startsAt}>{countdown(starts - now)}</time>
          </>
        ) : running ? (
          <>
            Ends in <time dateTime={sale.endsAt}>{countdown(ends - now)}</time>
          </>
        ) : (
          'Ended'
        )}
      </p>
      {claim ? (
        <>
          <Status>
            Claimed! {claim.quantity} held for you at {formatMoney(claim.unitPrice)} until{' '}
            {new Date(claim.expiresAt).toLocaleTimeString()}.
          </Status>
          <button
            type="button"
            class="primary"
            onClick={() =>
              navigate(
                `/checkout?claim=${encodeURIComponent(claim.claimId)}&sku=${encodeURIComponent(claim.sku)}&qty=${claim.quantity}`,
              )
            }
          >
            Check out now
          </button>
        </>
      ) : (
        <button type="button" class="primary" disabled={!running || busy || sale.remaining <= 0} onClick={doClaim}>
          {sale.remaining <= 0 ? 'Sold out' : `Claim 1 of ${name}`}
        </button>
      )}
      <Alert error={error} />
    </li>
  );
}
