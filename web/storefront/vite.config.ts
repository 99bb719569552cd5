import { defineConfig } from 'vite';

// Preact's automatic JSX runtime through Vite's own transformer (no Babel preset needed).
export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  // Workspace packages (@dbcarts/returns-policy) bundled from their TypeScript sources.
  resolve: { conditions: ['dbcarts-source', 'module', 'browser', 'development|production'] },
  build: {
    target: 'es2022',
    outDir: 'dist',
    assetsDir: 'assets',
    // The gateway sets a strict CSP (script-src 'self'): no inline module preload polyfill.
    modulePreload: { polyfill: false },
    reportCompressedSize: true,
  },
  server: {
    // `npm run dev -w web/storefront`: the API, sign-in and discovery from a running gateway. Port
    // 3000 because http://127.0.0.1:3000/callback is a registered redirect of the dev OIDC client.
    host: '127.0.0.1',
    port: 3000,
    strictPort: true,
    proxy: Object.fromEntries(
      ['/api', '/oidc', '/.well-known'].map((p) => [p, process.env.GATEWAY_URL ?? 'http://127.0.0.1:8080']),
    ),
  },
});
