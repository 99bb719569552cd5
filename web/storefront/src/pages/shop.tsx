import { useEffect, useState } from 'preact/hooks';
import { type Availability, api, type Category, type Page, type Product, type ProductSummary } from '../api';
import { currentSession, signIn } from '../auth';
import { DEFAULT_WARRANTY, rememberProduct } from '../catalog';
import { toMinor } from '../money';
import { navigate } from '../router';
import { Alert, isNotFound, Loading, Price, Status, Title, useLoad } from '../ui';

const stockLabel = (n: number) => (n <= 0 ? 'Out of stock' : n <= 5 ? `Only ${n} left` : 'In stock');

export function ProductCard({ p }: { p: ProductSummary }) {
  return (
    <li class="card">
      <div class="thumb" aria-hidden="true">
        {p.name.slice(0, 1)}
      </div>
      <h3>
        <a href={`/p/${p.id}`}>{p.name}</a>
      </h3>
      <p class="muted">{p.category}</p>
      <p>
        <Price value={p.price} /> <span class={p.available > 0 ? 'ok' : 'warn'}>{stockLabel(p.available)}</span>
      </p>
    </li>
  );
}

const categories = () => api<Category[]>('GET', '/api/categories', { auth: false }).then((r) => r.body);

export function Home() {
  const arrivals = useLoad(
    () => api<Page<ProductSummary>>('GET', '/api/products?sort=newest&pageSize=8', { auth: false }).then((r) => r.body),
    [],
  );
  const depts = useLoad(categories, []);
  return (
    <>
      <Title text="DBcarts">Welcome to DBcarts</Title>
      <section aria-labelledby="depts">
        <h2 id="depts">Departments</h2>
        {depts.loading && !depts.data && <Loading what="departments" />}
        <Alert error={depts.error} />
        <ul class="departments">
          {depts.data?.map((c) => (
            <li key={c.id}>
              <a class="dept" href={`/search?category=${encodeURIComponent(c.slug)}`}>
                {c.name}
              </a>
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="new">
        <h2 id="new">New arrivals</h2>
        {arrivals.loading && !arrivals.data && <Loading what="new arrivals" />}
        <Alert error={arrivals.error} />
        <ul class="grid">
          {arrivals.data?.items.map((p) => (
            <ProductCard key={p.id} p={p} />
          ))}
        </ul>
      </section>
    </>
  );
}

const SORTS: [string, string][] = [
  ['', 'Relevance'],
  ['newest', 'Newest'],
  ['price_asc', 'Price: low to high'],
  ['price_desc', 'Price: high to low'],
  ['name', 'Name'],
];
const PAGE_SIZE = 12;

export function Search({ query }: { query: URLSearchParams }) {
  const q = query.get('q') ?? '';
  const category = query.get('category') ?? '';
  const min = query.get('min') ?? '';
  const max = query.get('max') ?? '';
  const sort = query.get('sort') ?? '';
  const page = Math.max(1, Number(query.get('page')) || 1);
  const depts = useLoad(categories, []);
  const results = useLoad(() => {
    const p = new URLSearchParams({ page: String(page), pageSize: String(PAGE_SIZE) });
    if (q) p.set('q', q);
    if (category) p.set('category', category);
    const lo = toMinor(min);
    const hi = toMinor(max);
    if (lo !== undefined) p.set('minPrice', String(lo));
    if (hi !== undefined) p.set('maxPrice', String(hi));
    if (sort) p.set('sort', sort);
    return api<Page<ProductSummary>>('GET', `/api/products?${p}`, { auth: false }).then((r) => r.body);
  }, [q, category, min, max, sort, page]);

  const go = (changes: Record<string, string>) => {
    const next = new URLSearchParams({ q, category, min, max, sort, page: String(page), ...changes });
    for (const [k, v] of [...next]) if (!v || (k === 'page' && v === '1')) next.delete(k);
    navigate(`/search?${next}`);
  };
  const onSubmit = (e: Event) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget as HTMLFormElement);
    go({
      q: String(f.get('q') ?? ''),
      category: String(f.get('category') ?? ''),
      min: String(f.get('min') ?? ''),
      max: String(f.get('max') ?? ''),
      sort: String(f.get('sort') ?? ''),
      page: '1',
    });
  };
  const total = results.data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const deptName = depts.data?.find((d) => d.slug === category)?.name;
  return (
    <>
      <Title text={deptName ?? (q ? `Search: ${q}` : 'All products')} />
      <form class="filters" onSubmit={onSubmit} aria-label="Filter products" key={query.toString()}>
        <label>
          Search
          <input type="search" name="q" defaultValue={q} />
        </label>
        <label>
          Department
          <select name="category" defaultValue={category}>
            <option value="">All departments</option>
            {depts.data?.map((d) => (
              <option key={d.id} value={d.slug} selected={d.slug === category}>
                {d.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Min price
          <input type="number" name="min" min="0" step="0.01" inputMode="decimal" defaultValue={min} />
        </label>
        <label>
          Max price
          <input type="number" name="max" min="0" step="0.01" inputMode="decimal" defaultValue={max} />
        </label>
        <label>
          Sort by
          <select name="sort" defaultValue={sort}>
            {SORTS.map(([v, l]) => (
              <option key={v} value={v} selected={v === sort}>
                {l}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">Apply</button>
      </form>
      <Alert error={results.error} />
      <Status>
        {results.loading ? 'Loading…' : results.data ? `${total} product${total === 1 ? '' : 's'} found` : ''}
      </Status>
      <ul class="grid">
        {results.data?.items.map((p) => (
          <ProductCard key={p.id} p={p} />
        ))}
      </ul>
      {results.data && total > PAGE_SIZE && (
        <nav class="pager" aria-label="Pages">
          <button type="button" disabled={page <= 1} onClick={() => go({ page: String(page - 1) })}>
            Previous page
          </button>
          <span>
            Page {page} of {pages}
          </span>
          <button type="button" disabled={page >= pages} onClick={() => go({ page: String(page + 1) })}>
            Next page
          </button>
        </nav>
      )}
    </>
  );
}

const AVAILABILITY_REFRESH_MS = 5000;

/** Live units for a SKU: fetched now, then every few seconds while the tab is visible. */
function useAvailability(sku: string | undefined): { value?: Availability; error?: unknown } {
  const [state, setState] = useState<{ value?: Availability; error?: unknown }>({});
  useEffect(() => {
    if (!sku) return;
    let live = true;
    const load = () =>
      api<Availability>('GET', `/api/inventory/${encodeURIComponent(sku)}`, { auth: false }).then(
        (r) => live && setState({ value: r.body }),
        (error) => live && setState((s) => ({ ...s, error })),
      );
    void load();
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') void load();
    }, AVAILABILITY_REFRESH_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [sku]);
  return state;
}

export function ProductPage({ id }: { id: string }) {
  const product = useLoad(
    () => api<Product>('GET', `/api/products/${encodeURIComponent(id)}`, { auth: false }).then((r) => r.body),
    [id],
  );
  const p = product.data;
  const stock = useAvailability(p?.sku);
  const [qty, setQty] = useState(1);
  const [busy, setBusy] = useState(false);
  const [added, setAdded] = useState<string>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    if (p) rememberProduct(p);
  }, [p]);

  if (product.loading && !p) return <Loading what="product" />;
  if (!p) {
    return (
      <>
        <Title text={isNotFound(product.error) ? 'Product not found' : 'Product unavailable'} />
        <Alert error={product.error} />
      </>
    );
  }
  const available = stock.value?.available;
  const warranty = p.warranty ?? DEFAULT_WARRANTY[p.category];
  const add = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    setAdded(undefined);
    if (!currentSession()) return void signIn(location.pathname);
    setBusy(true);
    try {
      const cart = await api<{ items: { sku: string; quantity: number }[] }>('GET', '/api/cart');
      const have = cart.body.items.find((i) => i.sku === p.sku)?.quantity ?? 0;
      await api('PUT', `/api/cart/items/${encodeURIComponent(p.sku)}`, { body: { quantity: have + qty } });
      setAdded(`Added ${qty} × ${p.name} to your cart (${have + qty} in cart).`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <article class="product">
      <div class="thumb big" aria-hidden="true">
        {p.name.slice(0, 1)}
      </div>
      <div>
        <Title text={p.name} />
        <p class="muted">
          {p.brand ? `${p.brand} · ` : ''}
          <a href={`/search?category=${encodeURIComponent(p.category)}`}>{p.categoryName ?? p.category}</a> · SKU{' '}
          {p.sku}
        </p>
        <p class="big-price">
          <Price value={p.price} />
        </p>
        <p
          aria-live="polite"
          class={available !== undefined && available > 0 ? 'ok' : 'warn'}
          data-testid="availability"
        >
          {available === undefined ? 'Checking stock…' : `${stockLabel(available)} (${available} available)`}
        </p>
        {p.description && <p>{p.description}</p>}
        <form onSubmit={add} class="inline">
          <label>
            Quantity
            <input
              type="number"
              min="1"
              max="99"
              value={qty}
              onInput={(e) => setQty(Math.max(1, Number((e.target as HTMLInputElement).value) || 1))}
            />
          </label>
          <button type="submit" disabled={busy || available === 0}>
            {currentSession() ? 'Add to cart' : 'Sign in to buy'}
          </button>
        </form>
        <Alert error={error} />
        {added && (
          <Status>
            {added} <a href="/cart">View cart</a>
          </Status>
        )}
        {p.attributes && Object.keys(p.attributes).length > 0 && (
          <>
            <h2>Details</h2>
            <dl class="attrs">
              {Object.entries(p.attributes).map(([k, v]) => (
                <div key={k}>
                  <dt>{k}</dt>
                  <dd>{v}</dd>
                </div>
              ))}
            </dl>
          </>
        )}
        {warranty && (
          <section aria-labelledby="warranty">
            <h2 id="warranty">Warranty</h2>
            <p>
              {warranty.months} months. {warranty.terms}
              {!p.warranty && <span class="muted"> (the {p.category} department's standard terms)</span>}
            </p>
          </section>
        )}
      </div>
    </article>
  );
}
