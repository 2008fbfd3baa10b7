import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    setupFiles: ['test/setup.ts'],
    // tfjs kernels on 2 cores are slow; model tests get room, not retries.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
