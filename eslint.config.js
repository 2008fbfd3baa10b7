import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules', 'dist', 'public', 'bench', 'runs', 'test-results', 'playwright-report'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { project: ['./tsconfig.node.json'], tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // The engine must never reach into the app or the worker (docs/ARCHITECTURE.md: imports run one way; test/architecture.test.ts checks the whole graph).
      'no-restricted-imports': ['error', { patterns: ['**/app/**', '**/worker/**'] }],
    },
  },
  // ---- `npm run lessons` (src/cli/lesson*.ts): the one upward read. The lessons' promises, their
  // measured reference and the chart specs they name are app data that Node must check; they are plain
  // data and arithmetic (no React, DOM or worker), and only these modules may be read.
  {
    files: ['src/cli/lesson*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['**/app/**', '!**/app/lessons', '!**/app/lessons/promises', '!**/app/lessons/reference', '!**/app/lessons/armConfig', '!**/app/charts', '!**/app/charts/specs', '**/worker/**'] }],
    },
  },
  // ---- The app, the worker and the e2e suite (issue 4): their own tsconfigs and import rules.
  {
    files: ['src/app/**/*.{ts,tsx}', 'src/worker/**/*.ts', 'e2e/**/*.ts', 'playwright.config.ts', 'vite.config.ts'],
    languageOptions: {
      parserOptions: {
        // tsconfig.node.json: the worker's Node-run tests (src/worker/*.test.ts).
        project: ['./tsconfig.app.json', './tsconfig.worker.json', './tsconfig.e2e.json', './tsconfig.node.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
  },
  {
    files: ['src/app/**/*.{ts,tsx}'],
    rules: {
      // The page never runs tfjs or the trainer: it talks to the worker through worker/client.
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@tensorflow/*'], allowTypeImports: true, message: 'tfjs lives in the worker.' },
            { group: ['**/worker/trainer.worker*', '**/worker/runner*', '**/worker/backend*', '**/worker/db*'], message: 'Go through worker/client.' },
            // engine/rl/host is the RL maths on plain numbers, and imports nothing: the explainers and Inspect share it with the trainer.
            { group: ['**/engine/train/trainer*', '**/engine/model/**', '**/engine/rl/**', '!**/engine/rl/host', '**/engine/algorithms/*', '!**/engine/algorithms/spec'], allowTypeImports: true, message: 'The engine runs in the worker.' },
            { regex: 'engine/rl(/index)?$', allowTypeImports: true, message: 'The engine runs in the worker: the page may import engine/rl/host only.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/worker/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['**/app/**'] }] },
  },
  // ---- The e2e suite drives the app through the page, never the worker's code; it may name the
  // worker protocol's types (the results its ?debug checks send), which vanish at build time.
  {
    files: ['e2e/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/app/**'] }, { group: ['**/worker/**'], allowTypeImports: true, message: 'e2e reaches the worker through the page; import only its protocol types.' }] }],
    },
  },
  // ---- The engine benchmark's browser page (issue 6): DOM types; it forces a backend through the worker's own choice.
  {
    files: ['src/bench/page.ts'],
    languageOptions: { parserOptions: { project: ['./tsconfig.bench.json'], tsconfigRootDir: import.meta.dirname } },
    rules: { 'no-restricted-imports': ['error', { patterns: ['**/app/**'] }] },
  },
  {
    files: ['src/engine/rl/**/*.ts'],
    rules: {
      // engine/rl is pure maths: it imports only tfjs.
      'no-restricted-imports': ['error', { patterns: ['../*', '!./*', '**/app/**', '**/worker/**', '**/model/**', '**/tasks/**'] }],
    },
  },
  {
    files: ['src/engine/rl/host.ts'],
    rules: {
      // The page imports it: no tfjs, nothing at all.
      'no-restricted-imports': ['error', { patterns: ['*'] }],
    },
  },
);
