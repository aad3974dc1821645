// ESLint: type-checked rules, and the layer rules of docs/architecture.md (the enforcement of it).
import js from '@eslint/js';
import comments from '@eslint-community/eslint-plugin-eslint-comments/configs';
import { importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

import { layerZones } from './scripts/architecture.mjs';
import noImportCycle from './scripts/lint/no-import-cycle.mjs';

// The layer rules are computed from the parts table in scripts/architecture.mjs (docs/architecture.md).
const zones = layerZones();

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'coverage/**',
      // The API reference `npm run docs` writes (TypeDoc's HTML and scripts).
      'build/**',
      '**/*.generated.ts',
      'scripts/**',
      'bin/**',
      'eslint.config.mjs',
      '.puppeteerrc.cjs',
      'jest.config.ts',
      // Plain JavaScript (build scripts, the lint-case runner) is outside the TypeScript projects.
      '**/*.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  comments.recommended,
  {
    languageOptions: {
      parserOptions: {
        project: ['./tsconfig.json', './tsconfig.page.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: { 'import-x': importX, waweb: { rules: { 'no-import-cycle': noImportCycle } } },
    settings: { 'import-x/resolver': { node: { extensions: ['.ts', '.js', '.mjs'] } } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // `typeof import('pg')` types an optional peer that is only require()d when used.
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      '@eslint-community/eslint-comments/require-description': ['error', { ignore: [] }],
      '@eslint-community/eslint-comments/disable-enable-pair': ['error', { allowWholeFile: true }],
      'import-x/no-cycle': 'error',
      // import-x/no-cycle skips type-only imports; this one counts them (scripts/lint/no-import-cycle.mjs).
      'waweb/no-import-cycle': 'error',
      'import-x/no-restricted-paths': ['error', { zones }],
      // Promise.race leaks whatever loses the race unless it is written with care: once, in src/util/deadline.ts.
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.object.name='Promise'][callee.property.name='race']",
          message: 'Use the helpers in src/util/deadline.ts (withDeadline, abortable, settledWithin) instead of a bare Promise.race.',
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // A caught value of type unknown is passed on as it came, not wrapped.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true }],
      // Off: an async method without await is how an interface's promise-returning method turns a
      // throw into a rejection (strategy hooks, store close()); the rule would demand wrappers.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // The page adapter reads WhatsApp Web's own modules, which have no types: values from
    // `window.require` are `any` at this boundary, and bridge.ts types what leaves the page.
    files: ['src/web/page/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    // Tests reach into pages (`page.evaluate` returns what the page gives) and fake third-party
    // objects; strict `any` checks there would only add casts, not safety.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    // Split at a seam before a file grows past this (docs/architecture.md).
    files: ['src/**/*.ts', 'bench/**/*.ts', 'test/helpers/**/*.ts'],
    rules: { 'max-lines': ['error', { max: 400, skipBlankLines: false, skipComments: false }] },
  },
  {
    files: ['src/util/deadline.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    // Tests may race their own timers against the code under test.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    // The bot fixtures are plain CommonJS scripts, written as whatsapp-web.js users write bots.
    files: ['test/fixtures/**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      sourceType: 'commonjs',
      globals: { require: 'readonly', process: 'readonly', console: 'readonly' },
    },
    rules: { ...tseslint.configs.disableTypeChecked.rules, '@typescript-eslint/no-require-imports': 'off' },
  },
);
