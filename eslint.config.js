// The linter, configured once (`npm run lint`, part of `npm test`): the rules that catch
// real problems — unused imports and variables, promises nobody awaits or handles, the
// TypeScript mistakes typescript-eslint's recommended set finds — and no rules of style
// (the formatter's job, `npm run format:check`).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/'] },
  js.configs.recommended,
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommended],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: globals.node,
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true, caughtErrors: 'none' }],
      // The admin refuses control characters in input, and says so in patterns.
      'no-control-regex': 'off',
    },
  },
  {
    // Chai's assertions are properties (`.to.be.empty`); test doubles are loosely typed.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-unused-expressions': 'off', '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['src/admin/public/**/*.js'],
    languageOptions: { globals: globals.browser, sourceType: 'module' },
    rules: { 'no-control-regex': 'off' },
  },
  {
    files: ['*.js', '*.cjs'],
    languageOptions: { globals: globals.node },
  },
);
