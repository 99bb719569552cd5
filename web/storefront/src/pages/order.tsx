import {
  OPENED_ELECTRONICS_WINDOW_DAYS,
  RETURN_REASONS,
  RETURN_WINDOW_DAYS,
  returnableUntil,
} from '@dbcarts/returns-policy';
import { useState } from 'preact/hooks';
import { api, newKey, type Order, type OrderLine } from '../api';
import { formatMoney, type Money } from '../money';
import { Alert, formatDate, isNotFound, Loading, Price, Status, Title, useLoad } from '../ui';
import { STATUS } from './account';
import { RegisterWarranty } from './aftersales';

// One order: its lines, invoice, cancel, a return under the shared returns policy, warranty registration.

const REASON_LABELS: Record<string, string> = {
  damaged: 'Arrived damaged',
  defective: 'Defective',
  wrong_item: 'Wrong item sent',
  not_as_described: 'Not as described',
  does_not_fit: 'Does not fit',
  changed_mind: 'Changed my mind',
  arrived_late: 'Arrived too late',
  other: 'Other',
};

interface ReturnAnswer {
  id: string;
  refund: Money;
}

export function OrderPage({ id, query }: { id: string; query: URLSearchParams }) {
  const order = useLoad(() => api<Order>('GET', `/api/orders/${encodeURIComponent(id)}`).then((r) => r.body), [id]);
  const [error, setError] = useState<unknown>();
  const [note, setNote] = useState(query.get('placed') ? 'Thank you! Your order is placed.' : '');
  const [invoice, setInvoice] = useState<Invoice | 'pending'>();
  const [refund, setRefund] = useState<Money>();
  const [busy, setBusy] = useState(false);
  const o = order.data;
  if (order.loading && !o) return <Loading what="the order" />;
  if (!o) {
    return (
      <>
        <Title text={isNotFound(order.error) ? 'Order not found' : 'Order unavailable'} />
        <Alert error={order.error} />
      </>
    );
  }
  const cancel = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await api('POST', `/api/orders/${o.id}/cancel`);
      setNote('Your order is cancelled. Any payment is voided or refunded.');
      order.reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const showInvoice = async () => {
    setError(undefined);
    try {
      setInvoice((await api<Invoice>('GET', `/api/orders/${o.id}/invoice`)).body);
    } catch (e) {
      if (isNotFound(e)) setInvoice('pending');
      else setError(e);
    }
  };
  const startReturn = async (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const f = new FormData(form);
    const items = o.items
      .map((l) => ({
        sku: l.sku,
        quantity: Number(f.get(`qty-${l.sku}`) ?? 0),
        ...(f.get(`opened-${l.sku}`) ? { opened: true } : {}),
      }))
      .filter((i) => i.quantity > 0);
    if (items.length === 0) return setError(new Error('Choose at least one item to return.'));
    setBusy(true);
    setError(undefined);
    try {
      const r = await api<ReturnAnswer>('POST', `/api/orders/${o.id}/returns`, {
        body: {
          items,
          reason: String(f.get('reason') ?? ''),
          ...(String(f.get('comment') ?? '').trim() ? { comment: String(f.get('comment')).trim() } : {}),
        },
        idempotencyKey: newKey(),
      });
      setRefund(r.body.refund);
      form.reset();
      setNote(`Return accepted. Refund: ${formatMoney(r.body.refund)} to your original payment method.`);
      order.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  // The returns policy (@dbcarts/returns-policy, the one the orders service decides with), from the
  // facts the order carries: its delivery time, each line's department and final-sale flag.
  const deliveredAt = o.deliveredAt ? new Date(o.deliveredAt) : undefined;
  const facts = (l: OrderLine) => ({ department: l.department ?? undefined, finalSale: l.finalSale === true });
  const lines = o.items.map((l) => ({
    l,
    left: l.quantity - (l.returned ?? 0),
    until: deliveredAt ? returnableUntil(deliveredAt, facts(l)) : null,
    untilOpened: deliveredAt ? returnableUntil(deliveredAt, facts(l), true) : null,
  }));
  const now = Date.now();
  const returnable = lines.filter((x) => x.left > 0 && x.until && x.until.getTime() > now);
  const finalSale = lines.filter((x) => x.l.finalSale);
  return (
    <>
      <Title text={`Order ${o.id.slice(0, 8)}`} />
      <Status>{note}</Status>
      <p>
        Status: <strong data-testid="order-status">{STATUS[o.status] ?? o.status}</strong> · placed{' '}
        {formatDate(o.createdAt)}
      </p>
      <table class="lines">
        <caption class="sr-only">Items in this order</caption>
        <thead>
          <tr>
            <th scope="col">Item</th>
            <th scope="col">Quantity</th>
            <th scope="col">Price</th>
            <th scope="col">Total</th>
          </tr>
        </thead>
        <tbody>
          {o.items.map((l) => (
            <tr key={l.sku}>
              <th scope="row">{l.name}</th>
              <td>
                {l.quantity}
                {l.returned ? ` (${l.returned} returned)` : ''}
              </td>
              <td>
                <Price value={l.unitPrice} />
              </td>
              <td>
                <Price value={l.lineTotal} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="total">
        Subtotal <Price value={o.subtotal} />
        {o.discount.amount > 0 && (
          <>
            {' '}
            · Discount −<Price value={o.discount} />
          </>
        )}{' '}
        · Total <Price value={o.total} />
      </p>
      <Alert error={error} />
      {refund && <p data-testid="refund">Refund: {formatMoney(refund)}</p>}
      <div class="actions">
        {(o.status === 'confirmed' || o.status === 'pending') && (
          <button type="button" onClick={cancel} disabled={busy}>
            Cancel order
          </button>
        )}
        {o.status !== 'failed' && o.status !== 'pending' && (
          <button type="button" onClick={showInvoice}>
            Show invoice
          </button>
        )}
      </div>
      {(o.status === 'delivered' || o.status === 'returned') && (
        <section aria-labelledby="warranty-h">
          <h2 id="warranty-h">Warranty</h2>
          {o.items.map((l) => (
            <RegisterWarranty key={l.sku} orderId={o.id} sku={l.sku} name={l.name} />
          ))}
          <p>
            <a href="/warranties">Your warranties</a> ·{' '}
            <a href={`/support?order=${o.id}`}>Ask support about this order</a>
          </p>
        </section>
      )}
      {invoice === 'pending' && <Status>The invoice is being prepared; try again in a moment.</Status>}
      {invoice && invoice !== 'pending' && <InvoiceView invoice={invoice} />}
      {deliveredAt && finalSale.length > 0 && (
        <p class="muted">{finalSale.map((x) => x.l.name).join(', ')}: final sale (bought in a drop), not returnable.</p>
      )}
      {deliveredAt && (o.status === 'delivered' || o.status === 'returned') && returnable.length > 0 && (
        <form class="stack" onSubmit={startReturn} aria-labelledby="return-h">
          <h2 id="return-h">Return items</h2>
          <p class="muted">
            Free returns within {RETURN_WINDOW_DAYS} days of delivery (opened electronics{' '}
            {OPENED_ELECTRONICS_WINDOW_DAYS}), refunded to your original payment method.
          </p>
          {returnable.map(({ l, left, until, untilOpened }) => (
            <fieldset key={l.sku}>
              <legend>{l.name}</legend>
              <p class="muted">
                Returnable until {until?.toLocaleDateString()}
                {untilOpened && until && untilOpened.getTime() !== until.getTime()
                  ? ` (opened: until ${untilOpened.toLocaleDateString()})`
                  : ''}
              </p>
              <label>
                Quantity of {l.name} to return
                <input type="number" name={`qty-${l.sku}`} min="0" max={left} defaultValue="0" />
              </label>
              {(l.department === 'electronics' || !l.department) && (
                <label class="radio">
                  <input type="checkbox" name={`opened-${l.sku}`} /> I opened {l.name}
                </label>
              )}
            </fieldset>
          ))}
          <label>
            Reason
            <select name="reason" required>
              {RETURN_REASONS.map((r) => (
                <option key={r} value={r}>
                  {REASON_LABELS[r] ?? r}
                </option>
              ))}
            </select>
          </label>
          <label>
            Anything else (optional)
            <textarea name="comment" maxLength={1000} rows={3} />
          </label>
          <button type="submit" disabled={busy}>
            Start return
          </button>
        </form>
      )}
    </>
  );
}

interface Invoice {
  number: string;
  issuedAt: string;
  country: string;
  taxRatePercent: number;
  lines: { sku: string; name: string; quantity: number; unitPrice: Money; net: Money; tax: Money; gross: Money }[];
  net: Money;
  tax: Money;
  gross: Money;
  discount: Money;
}

function InvoiceView({ invoice }: { invoice: Invoice }) {
  return (
    <section class="invoice" aria-labelledby="invoice-h">
      <h2 id="invoice-h">Invoice {invoice.number}</h2>
      <p class="muted">
        Issued {formatDate(invoice.issuedAt)} · VAT {invoice.taxRatePercent}% ({invoice.country})
      </p>
      <table class="lines">
        <thead>
          <tr>
            <th scope="col">Item</th>
            <th scope="col">Qty</th>
            <th scope="col">Net</th>
            <th scope="col">Tax</th>
            <th scope="col">Gross</th>
          </tr>
        </thead>
        <tbody>
          {invoice.lines.map((l) => (
            <tr key={l.sku}>
              <th scope="row">{l.name}</th>
              <td>{l.quantity}</td>
              <td>
                <Price value={l.net} />
              </td>
              <td>
                <Price value={l.tax} />
              </td>
              <td>
                <Price value={l.gross} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="total">
        Net <Price value={invoice.net} /> · Tax <Price value={invoice.tax} /> · Total <Price value={invoice.gross} />
      </p>
      <button type="button" onClick={() => print()}>
        Print invoice
      </button>
    </section>
  );
}
