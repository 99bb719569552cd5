import { useState } from 'preact/hooks';
import { api, newKey, type Page } from '../api';
import { navigate } from '../router';
import { Alert, formatDate, isNotFound, Loading, Status, Title, useLoad } from '../ui';

// Warranties and support cases (the after-sales service, /api/me/warranties and /api/support/cases).

interface Claim {
  id: string;
  status: string;
  resolution: string | null;
  description: string;
  createdAt: string;
}
interface Warranty {
  id: string;
  orderId: string;
  sku: string;
  productName: string;
  months: number;
  coversUntil: string;
  claims: Claim[];
}
interface CaseMessage {
  author: 'customer' | 'admin';
  message: string;
  at: string;
}
interface SupportCase {
  id: string;
  subject: string;
  orderId: string | null;
  status: string;
  createdAt: string;
  updatedAt: string;
  messages?: CaseMessage[];
}

const itemsOf = <T,>(body: T[] | Page<T>): T[] => (Array.isArray(body) ? body : body.items);
const CLAIM_STATUS: Record<string, string> = {
  submitted: 'Submitted',
  approved: 'Approved',
  rejected: 'Rejected',
  repaired: 'Repaired',
  replaced: 'Replaced',
  refunded: 'Refunded',
};
const CASE_STATUS: Record<string, string> = {
  open: 'Open',
  waiting_on_customer: 'Waiting for your reply',
  resolved: 'Resolved',
  closed: 'Closed',
};

/** Registers a delivered order line's warranty (used on the order page). */
export function RegisterWarranty({ orderId, sku, name }: { orderId: string; sku: string; name: string }) {
  const [done, setDone] = useState<Warranty>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [key] = useState(newKey);
  if (done)
    return (
      <Status>{`Warranty for ${name} registered: covered until ${new Date(done.coversUntil).toLocaleDateString()}.`}</Status>
    );
  return (
    <>
      <button
        type="button"
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          setError(undefined);
          try {
            setDone(
              (await api<Warranty>('POST', '/api/me/warranties', { body: { orderId, sku }, idempotencyKey: key })).body,
            );
          } catch (e) {
            setError(e);
          } finally {
            setBusy(false);
          }
        }}
      >
        Register warranty for {name}
      </button>
      <Alert error={error} />
    </>
  );
}

export function WarrantiesPage() {
  const list = useLoad(
    () => api<Warranty[] | Page<Warranty>>('GET', '/api/me/warranties').then((r) => itemsOf(r.body)),
    [],
  );
  return (
    <>
      <Title text="Your warranties" />
      <p class="muted">Register a delivered item's warranty from its order page; file a claim here if it fails.</p>
      {list.loading && !list.data && <Loading what="warranties" />}
      <Alert error={list.error} />
      {list.data?.length === 0 && <p>No registered warranties yet.</p>}
      <ul class="notes">
        {list.data?.map((w) => (
          <WarrantyItem key={w.id} w={w} onChange={list.reload} />
        ))}
      </ul>
    </>
  );
}

function WarrantyItem({ w, onChange }: { w: Warranty; onChange: () => void }) {
  const [error, setError] = useState<unknown>();
  const [note, setNote] = useState('');
  const [key, setKey] = useState(newKey);
  const expired = Date.parse(w.coversUntil) < Date.now();
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    setError(undefined);
    try {
      await api('POST', `/api/me/warranties/${w.id}/claims`, {
        body: { description: String(new FormData(form).get('description') ?? '').trim() },
        idempotencyKey: key,
      });
      setKey(newKey());
      form.reset();
      setNote('Claim submitted. We will email you when it is decided.');
      onChange();
    } catch (err) {
      setError(err);
    }
  };
  const fieldId = `claim-${w.id}`;
  return (
    <li>
      <h2>{w.productName}</h2>
      <p class="muted">
        {w.months}-month warranty · {expired ? 'expired' : 'covered until'}{' '}
        {new Date(w.coversUntil).toLocaleDateString()} ·{' '}
        <a href={`/orders/${w.orderId}`}>Order {w.orderId.slice(0, 8)}</a>
      </p>
      {w.claims.length > 0 && (
        <ul>
          {w.claims.map((c) => (
            <li key={c.id}>
              {formatDate(c.createdAt)}: {CLAIM_STATUS[c.status] ?? c.status}
              {c.resolution ? ` (${c.resolution})` : ''} — {c.description}
            </li>
          ))}
        </ul>
      )}
      {!expired && (
        <form class="stack" onSubmit={submit}>
          <label for={fieldId}>What is wrong with it?</label>
          <textarea id={fieldId} name="description" required maxLength={4000} rows={3} />
          <button type="submit">File a warranty claim</button>
        </form>
      )}
      <Alert error={error} />
      <Status>{note}</Status>
    </li>
  );
}

export function SupportPage({ query }: { query: URLSearchParams }) {
  const cases = useLoad(
    () => api<Page<SupportCase> | SupportCase[]>('GET', '/api/support/cases?pageSize=50').then((r) => itemsOf(r.body)),
    [],
  );
  const [error, setError] = useState<unknown>();
  const [key] = useState(newKey);
  const orderId = query.get('order') ?? '';
  const submit = async (e: Event) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget as HTMLFormElement);
    setError(undefined);
    try {
      const r = await api<SupportCase>('POST', '/api/support/cases', {
        body: {
          subject: String(f.get('subject') ?? '').trim(),
          message: String(f.get('message') ?? '').trim(),
          ...(orderId ? { orderId } : {}),
        },
        idempotencyKey: key,
      });
      navigate(`/support/${r.body.id}`);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <>
      <Title text="Support" />
      <section aria-labelledby="new-case">
        <h2 id="new-case">Ask us something</h2>
        <form class="stack" onSubmit={submit}>
          {orderId && <p class="muted">About order {orderId.slice(0, 8)}</p>}
          <label>
            Subject
            <input name="subject" required maxLength={200} />
          </label>
          <label>
            Message
            <textarea name="message" required maxLength={8000} rows={4} />
          </label>
          <Alert error={error} />
          <button type="submit" class="primary">
            Open a case
          </button>
        </form>
      </section>
      <section aria-labelledby="my-cases">
        <h2 id="my-cases">Your cases</h2>
        {cases.loading && !cases.data && <Loading what="your cases" />}
        <Alert error={cases.error} />
        {cases.data?.length === 0 && <p>No cases yet.</p>}
        <ul class="notes">
          {cases.data?.map((c) => (
            <li key={c.id}>
              <a href={`/support/${c.id}`}>{c.subject}</a> · {CASE_STATUS[c.status] ?? c.status} · updated{' '}
              {formatDate(c.updatedAt)}
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}

export function CasePage({ id }: { id: string }) {
  const c = useLoad(
    () => api<SupportCase>('GET', `/api/support/cases/${encodeURIComponent(id)}`).then((r) => r.body),
    [id],
  );
  const [error, setError] = useState<unknown>();
  const [note, setNote] = useState('');
  if (c.loading && !c.data) return <Loading what="the case" />;
  if (!c.data) {
    return (
      <>
        <Title text={isNotFound(c.error) ? 'Case not found' : 'Case unavailable'} />
        <Alert error={c.error} />
      </>
    );
  }
  const reply = async (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    setError(undefined);
    try {
      await api('POST', `/api/support/cases/${id}/messages`, {
        body: { message: String(new FormData(form).get('message') ?? '').trim() },
      });
      form.reset();
      setNote('Message sent.');
      c.reload();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <>
      <Title text={c.data.subject} />
      <p>
        Status: <strong>{CASE_STATUS[c.data.status] ?? c.data.status}</strong>
        {c.data.orderId && (
          <>
            {' '}
            · <a href={`/orders/${c.data.orderId}`}>Order {c.data.orderId.slice(0, 8)}</a>
          </>
        )}
      </p>
      <ol class="notes">
        {c.data.messages?.map((m) => (
          <li key={m.at + m.author}>
            <p class="muted">
              {m.author === 'admin' ? 'DBcarts support' : 'You'} · {formatDate(m.at)}
            </p>
            <p class="pre">{m.message}</p>
          </li>
        ))}
      </ol>
      {c.data.status !== 'closed' && (
        <form class="stack" onSubmit={reply}>
          <label>
            Your reply
            <textarea name="message" required maxLength={8000} rows={4} />
          </label>
          <button type="submit">Send</button>
        </form>
      )}
      <Alert error={error} />
      <Status>{note}</Status>
    </>
  );
}
