import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Two tiers (docs/ARCHITECTURE.md, "Tests"):
 * - fast: every `*.test.ts` except the slow ones; pure functions, small tensors, in-process
 *   CLI parsing and the architecture checks (`npm run test:fast`, a minute or two);
 * - slow: `*.slow.test.ts`: model-heavy tests (whole trainer runs, SFT, the wasm backend),
 *   the smoke run, the long flat-memory soak and the few real subprocess spawns
 *   (`npm run test:slow`).
 * The fast tier runs its files in shared worker processes (isolate: false): tfjs and the
 * setup load once per worker instead of once per file, which was most of its time (127 s ->
 * 41 s measured under load). Its tests must therefore leave no global state behind (restore
 * mocks and timers, dispose tensors); it also passes in shuffled order.
 * The end-to-end tier is Playwright's (`npm run test:e2e`); `npm test` runs all three.
 */
const SLOW = ['src/**/*.slow.test.ts', 'test/**/*.slow.test.ts'];

export default defineConfig({
  test: {
    environment: 'node',
    setupFiles: ['test/setup.ts'],
    // tfjs kernels on 2 cores are slow; model tests get room, not retries.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'fast', isolate: false, include: ['src/**/*.test.ts', 'test/**/*.test.ts'], exclude: [...configDefaults.exclude, ...SLOW] } },
      { extends: true, test: { name: 'slow', include: SLOW } },
    ],
  },
});
