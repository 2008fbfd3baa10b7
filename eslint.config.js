import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules', 'dist', 'public', 'bench', 'runs'] },
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
      // The engine must never reach into the app or the worker (DESIGN.md: imports run one way).
      'no-restricted-imports': ['error', { patterns: ['**/app/**', '**/worker/**'] }],
    },
  },
  {
    files: ['src/engine/rl/**/*.ts'],
    rules: {
      // engine/rl is pure maths: it imports only tfjs.
      'no-restricted-imports': ['error', { patterns: ['../*', '!./*', '**/app/**', '**/worker/**', '**/model/**', '**/tasks/**'] }],
    },
  },
);
