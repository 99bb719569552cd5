import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { currentSession, onSessionChange, signIn, signOut } from './auth';
import { Callback, Notifications, Orders, Register, SignInPage } from './pages/account';
import { CasePage, SupportPage, WarrantiesPage } from './pages/aftersales';
import { CartPage, CheckoutPage } from './pages/checkout';
import { DropsPage } from './pages/drops';
import { isAdmin, LazyOpsPage } from './pages/ops-lazy';
import { OrderPage } from './pages/order';
import { Home, ProductPage, Search } from './pages/shop';
import { navigate, useLocation } from './router';
import { Title } from './ui';
import './styles.css';

function useSession() {
  const [session, setSession] = useState(currentSession);
  useEffect(() => onSessionChange(() => setSession(currentSession())), []);
  return session;
}

/** Pages that need a signed-in customer send a signed-out visitor to the sign-in page first. */
function SignedIn({ children, path }: { children: preact.ComponentChildren; path: string }) {
  const session = useSession();
  if (!session) return <SignInPage query={new URLSearchParams({ returnTo: path })} />;
  return <>{children}</>;
}

function Route({ path, query }: { path: string; query: URLSearchParams }) {
  const full = path + (query.size ? `?${query}` : '');
  if (path === '/') return <Home />;
  if (path === '/search') return <Search query={query} />;
  const product = /^\/p\/([\w-]+)$/.exec(path)?.[1];
  if (product) return <ProductPage id={product} />;
  if (path === '/drops') return <DropsPage />;
  if (path === '/callback') return <Callback />;
  if (path === '/signin') return <SignInPage query={query} />;
  if (path === '/register') return <Register />;
  const guarded = (page: preact.ComponentChildren) => <SignedIn path={full}>{page}</SignedIn>;
  if (path === '/cart') return guarded(<CartPage />);
  if (path === '/checkout') return guarded(<CheckoutPage query={query} />);
  if (path === '/orders') return guarded(<Orders />);
  const order = /^\/orders\/([\w-]+)$/.exec(path)?.[1];
  if (order) return guarded(<OrderPage id={order} query={query} />);
  if (path === '/notifications') return guarded(<Notifications />);
  if (path === '/warranties') return guarded(<WarrantiesPage />);
  if (path === '/support') return guarded(<SupportPage query={query} />);
  const supportCase = /^\/support\/([\w-]+)$/.exec(path)?.[1];
  if (supportCase) return guarded(<CasePage id={supportCase} />);
  if (path === '/admin/ops') return guarded(<LazyOpsPage />);
  return (
    <>
      <Title text="Page not found" />
      <p>
        There is no page here. <a href="/">Back to the shop</a>
      </p>
    </>
  );
}

function App() {
  const { path, query } = useLocation();
  const session = useSession();
  const onSearch = (e: Event) => {
    e.preventDefault();
    const q = String(new FormData(e.currentTarget as HTMLFormElement).get('q') ?? '').trim();
    navigate(`/search${q ? `?q=${encodeURIComponent(q)}` : ''}`);
  };
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href="/">
          DBcarts
        </a>
        <search>
          <form class="search" onSubmit={onSearch}>
            <label for="site-search" class="sr-only">
              Search products
            </label>
            <input id="site-search" name="q" type="search" placeholder="Search products" />
            <button type="submit">Search</button>
          </form>
        </search>
        <nav aria-label="Main">
          <ul>
            <li>
              <a href="/search">Shop</a>
            </li>
            <li>
              <a href="/drops">Drops</a>
            </li>
            <li>
              <a href="/cart">Cart</a>
            </li>
            {session && (
              <>
                <li>
                  <a href="/orders">Orders</a>
                </li>
                <li>
                  <a href="/notifications">Notifications</a>
                </li>
                <li>
                  <a href="/warranties">Warranties</a>
                </li>
                <li>
                  <a href="/support">Support</a>
                </li>
                {isAdmin() && (
                  <li>
                    <a href="/admin/ops">Ops board</a>
                  </li>
                )}
              </>
            )}
            {session ? (
              <li>
                <button type="button" class="link" onClick={() => signOut().then(() => navigate('/'))}>
                  Sign out{session.email ? ` (${session.email})` : ''}
                </button>
              </li>
            ) : (
              <>
                <li>
                  <button type="button" class="link" onClick={() => signIn(location.pathname + location.search)}>
                    Sign in
                  </button>
                </li>
                <li>
                  <a href="/register">Register</a>
                </li>
              </>
            )}
          </ul>
        </nav>
      </header>
      <main id="main" tabIndex={-1}>
        <Route path={path} query={query} />
      </main>
      <footer class="foot">
        <p>DBcarts · Progressive Pathways · prices include VAT</p>
      </footer>
    </>
  );
}

render(<App />, document.getElementById('app') as HTMLElement);
