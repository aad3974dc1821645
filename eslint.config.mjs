// ESLint: type-checked rules, and the layer rules of docs/architecture.md (the enforcement of it).
import js from '@eslint/js';
import comments from '@eslint-community/eslint-plugin-eslint-comments/configs';
import { importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/** One zone per forbidden edge: files under `target` may not import from `from`. */
function forbid(target, froms, why) {
  return froms.map((from) => ({ target: `./src/${target}`, from: `./src/${from}`, message: why }));
}

const layerZones = [
  ...forbid(
    'simulator',
    ['client', 'auth', 'web', 'stores', 'browser', 'archive', 'cli'],
    'the simulator is a product of its own: it knows no client code',
  ),
  ...forbid(
    'browser',
    ['web', 'auth', 'client', 'stores', 'archive', 'cli', 'simulator'],
    'browser/ launches Chromium and knows nothing of WhatsApp',
  ),
  ...forbid(
    'stores',
    ['auth', 'client', 'web', 'browser', 'archive', 'cli', 'simulator'],
    'stores speak bytes and ids: no strategy, page or archive',
  ),
  ...forbid(
    'archive',
    ['auth', 'client', 'web', 'browser', 'stores', 'cli', 'simulator'],
    'the archive is a format: no store and no lifecycle',
  ),
  ...forbid('web', ['auth', 'stores', 'client', 'archive', 'cli', 'simulator'], 'web/ knows the page, not sessions or the client'),
  ...forbid('auth', ['client', 'web', 'cli', 'simulator'], 'strategies see only the narrow AuthHost'),
  ...forbid('client', ['stores', 'archive', 'cli', 'simulator'], 'the client composes strategies; it never touches stores or archives'),
  ...forbid(
    'util',
    ['auth', 'client', 'web', 'browser', 'stores', 'archive', 'cli', 'simulator'],
    'util/ holds primitives every part may use',
  ),
  ...forbid(
    'db',
    ['auth', 'client', 'web', 'browser', 'stores', 'archive', 'cli', 'simulator', 'leases', 'manager', 'serve'],
    'db/ is driver plumbing shared by stores and leases: it knows neither',
  ),
  ...['client', 'auth', 'web', 'browser', 'archive', 'simulator', 'util', 'manager', 'serve'].flatMap((part) =>
    forbid(part, ['db'], 'only the stores and the leases speak to database drivers'),
  ),
  ...forbid(
    'leases',
    ['auth', 'client', 'web', 'browser', 'stores', 'archive', 'cli', 'simulator', 'manager', 'serve'],
    'leases speak rows and documents: no store, session or client',
  ),
  ...forbid(
    'manager',
    ['web', 'browser', 'archive', 'cli', 'simulator', 'serve'],
    'the manager composes clients, stores and leases; it knows no page and no web app',
  ),
  ...forbid(
    'serve',
    ['auth', 'client', 'web', 'browser', 'stores', 'archive', 'cli', 'simulator', 'leases'],
    'the dashboard sees sessions only through the SessionManager',
  ),
  ...['client', 'auth', 'web', 'stores', 'browser', 'archive', 'simulator', 'util', 'leases'].flatMap((part) =>
    forbid(part, ['manager', 'serve'], 'nothing below the manager depends on it or on the dashboard'),
  ),
  ...['client', 'auth', 'web', 'stores', 'browser', 'archive', 'simulator', 'util'].flatMap((part) =>
    forbid(part, ['leases'], 'only the manager uses leases'),
  ),
  {
    target: './src/testing',
    from: './src',
    except: ['./testing', './index.ts'],
    message: 'waweb/testing uses only the public surface, as a store author would',
  },
  {
    target: './src/wwebjs',
    from: './src',
    // The profile lock is how its strategy keeps a second Chromium off a profile, as waweb's own launch does.
    except: ['./wwebjs', './index.ts', './browser/profile-lock.ts'],
    message: 'waweb/wwebjs uses only the public surface: src/index.ts (and the profile lock)',
  },
  ...['client', 'auth', 'web', 'stores', 'browser', 'archive', 'cli', 'simulator', 'util', 'testing', 'leases', 'manager', 'serve'].flatMap(
    (part) => forbid(part, ['wwebjs'], 'waweb/wwebjs is an entry of its own: nothing inside waweb depends on it'),
  ),
  {
    target: './src/cli',
    from: './src',
    except: ['./cli', './index.ts', './simulator/index.ts', './manager/index.ts', './serve/index.ts', './session/index.ts'],
    message: 'the CLI uses only the public entries: src/index.ts, simulator, manager, serve (waweb/dashboard) and session',
  },
];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'coverage/**',
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
    plugins: { 'import-x': importX },
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
      'import-x/no-restricted-paths': ['error', { zones: layerZones }],
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
