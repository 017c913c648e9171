// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['dist/**', 'coverage/**', '.stryker-tmp*/**', 'reports/**', 'docs/api/**', 'node_modules/**', '.doc-examples/**',
      // A consumer project compiled against the built package by its own test (it resolves
      // `iterscope` from dist/, which does not exist before the build that npm test runs).
      'test/types/consumer/**'],
  },
  eslint.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  ...tseslint.configs.stylisticTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // Kept as errors explicitly: a dropped promise is exactly the kind of leak
      // this library exists to prevent.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',

      // Hand-written async iterator objects implement `next`/`return`/`throw`
      // as `async` methods to satisfy the AsyncIterator protocol even when a
      // particular method has nothing to await.
      '@typescript-eslint/require-await': 'off',

      // Template literals in error messages routinely include numbers and
      // unknown values that were caught; allow the common primitive cases.
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true, allowNullish: true },
      ],

      // A stream library forwards whatever its sources throw: user errors are `unknown`
      // and must reach the consumer unchanged (C5), never wrapped to please a linter.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true }],
      '@typescript-eslint/only-throw-error': ['error', { allowThrowingUnknown: true }],

      // Unused parameters of protocol methods (e.g. `return(value)`) are part
      // of the signature; prefix them with `_` to mark them intentionally unused.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'docs/examples/**/*.ts', 'examples/**/*.ts', 'bench/**/*.ts'],
    rules: {
      // Tests assert on values they know are present.
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Tests routinely pass `iterator.next` / `iterator.return` around to spy
      // on or call them detached; the methods under test are bound by design.
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    // Plain JavaScript config files are not part of the TypeScript project.
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
