import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Two tiers (docs/ARCHITECTURE.md, "Tests"):
 * - fast: every `*.test.ts` except the slow ones; pure functions, small tensors, in-process
 *   CLI parsing and the architecture checks (`npm run test:fast`, a minute or two);
 * - slow: `*.slow.test.ts`: model-heavy tests (whole trainer runs, SFT, the wasm backend),
 *   the smoke run, the long flat-memory soak and the few real subprocess spawns
 *   (`npm run test:slow`).
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
      { extends: true, test: { name: 'fast', include: ['src/**/*.test.ts', 'test/**/*.test.ts'], exclude: [...configDefaults.exclude, ...SLOW] } },
      { extends: true, test: { name: 'slow', include: SLOW } },
    ],
  },
});
