import { defineConfig } from 'vitest/config';

// Tests run on TypeScript sources of workspace packages (the `dbcarts-source` export condition);
// integration tests start services from their tsc build, which `npm test` makes first.
const conditions = ['dbcarts-source', 'node', 'require', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    reporters: ['default', './tests/support/summary.reporter.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: [
            'packages/*/src/**/*.test.ts',
            'services/*/src/**/*.test.ts',
            'services/*/client/**/*.test.ts',
            'tests/unit/**/*.test.ts',
          ],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['services/*/test/**/*.int.test.ts', 'tests/**/*.int.test.ts'],
          // Each file starts its own stack of real sidecars; two cores run them one at a time.
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'faults',
          include: ['tests/faults/**/*.fault.test.ts'],
          // Each file starts a stack behind its own Toxiproxy and injects a fault under load: one at a
          // time, after the other projects (a later group), so no other stack competes for the cores.
          globalSetup: ['tests/faults/support/results.global.ts'],
          fileParallelism: false,
          sequence: { groupOrder: 1 },
          testTimeout: 300_000,
          hookTimeout: 240_000,
        },
      },
    ],
  },
});
