/**
 * The lint is the enforcement of docs/architecture.md: code that crosses a forbidden edge between
 * the parts, races promises by hand or silences a rule without saying why must fail `npm run lint`.
 * Each case lints a few lines as if they stood in a real file of that part.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..');

interface LintCase {
  /** Where the code stands, relative to the repository. */
  file: string;
  code: string;
}

/** Every case of this file, linted in one child process (ESLint's startup with type information costs seconds). */
const CASES: LintCase[] = [];
let results: Promise<string[][]> | undefined;

/** The rule ids `code` breaks when it is the content of `file`. */
function violations(file: string, code: string): Promise<string[]> {
  const index = CASES.findIndex((c) => c.file === file && c.code === code);
  if (index === -1) throw new Error(`lint case not registered: ${file}`);
  results ??= new Promise<string[][]>((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [path.join(root, 'test', 'helpers', 'lint-cases.mjs')],
      {
        cwd: root,
        maxBuffer: 16 * 1024 * 1024,
        // With CI=true typescript-eslint assumes a single run over files on disk and ignores the text given to lintText.
        env: { ...process.env, TSESTREE_SINGLE_RUN: 'false' },
      },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`lint-cases.mjs failed: ${stderr || err.message}`));
        else resolve(JSON.parse(stdout) as string[][]);
      },
    );
    child.stdin?.end(JSON.stringify(CASES));
  });
  return results.then((all) => all[index] ?? []);
}

function register<T extends Array<[string, string]>>(cases: T): T {
  for (const [file, code] of cases) CASES.push({ file, code });
  return cases;
}

const LAYER = 'import-x/no-restricted-paths';

const FORBIDDEN = register([
  ['src/simulator/state.ts', "import { Client } from '../client/client';\nexport const used = Client;\n"],
  ['src/simulator/state.ts', "import { FileStore } from '../stores/file';\nexport const used = FileStore;\n"],
  ['src/browser/flags.ts', "import { WebPage } from '../web/web-page';\nexport const used = WebPage;\n"],
  ['src/stores/session-id.ts', "import { RemoteAuth } from '../auth/remote/remote-auth';\nexport const used = RemoteAuth;\n"],
  ['src/web/bridge.ts', "import { FileStore } from '../stores/file';\nexport const used = FileStore;\n"],
  ['src/archive/limits.ts', "import { FileStore } from '../stores/file';\nexport const used = FileStore;\n"],
  ['src/cli/util.ts', "import { InvalidOptionError } from '../errors';\nexport const used = InvalidOptionError;\n"],
  ['src/cli/util.ts', "import { RemoteAuth } from '../auth/remote/remote-auth';\nexport const used = RemoteAuth;\n"],
  ['src/cli/util.ts', "import { SessionManager } from '../manager/session-manager';\nexport const used = SessionManager;\n"],
  ['src/cli/util.ts', "import { keyRing } from '../util/encryption';\nexport const used = keyRing;\n"],
]);

const ALLOWED = register([
  ['src/simulator/state.ts', "import { TimeoutError } from '../errors';\nexport const used = TimeoutError;\n"],
  ['src/stores/session-id.ts', "import { delay } from '../util/deadline';\nexport const used = delay;\n"],
  ['src/cli/util.ts', "import { InvalidOptionError } from '../index';\nexport const used = InvalidOptionError;\n"],
  ['src/cli/util.ts', "import { WhatsAppSimulator } from '../simulator/index';\nexport const used = WhatsAppSimulator;\n"],
  ['src/cli/util.ts', "import { SessionManager } from '../manager/index';\nexport const used = SessionManager;\n"],
  ['src/cli/util.ts', "import { startDashboard } from '../serve/index';\nexport const used = startDashboard;\n"],
  ['src/cli/util.ts', "import { keyRing } from '../session/index';\nexport const used = keyRing;\n"],
]);

const RACE = 'export async function f(a: Promise<number>, b: Promise<number>): Promise<number> {\n  return Promise.race([a, b]);\n}\n';
const FLOATING = 'async function work(): Promise<void> {}\nexport function f(): void {\n  work();\n}\n';
const BARE_DISABLE = '// eslint-disable-next-line @typescript-eslint/no-explicit-any\nexport const x: any = 1;\n';
const REASONED_DISABLE = '// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a reason\nexport const x: any = 1;\n';
register([
  ['src/stores/session-id.ts', RACE],
  ['src/util/deadline.ts', RACE],
  ['src/stores/session-id.ts', FLOATING],
  ['src/stores/session-id.ts', BARE_DISABLE],
  ['src/stores/session-id.ts', REASONED_DISABLE],
]);

describe('layer rules', () => {
  test.each(FORBIDDEN)('%s may not import this: %s', async (file, code) => {
    expect(await violations(file, code)).toContain(LAYER);
  });

  test.each(ALLOWED)('%s may import this: %s', async (file, code) => {
    const found = await violations(file, code);
    expect(found).not.toContain(LAYER);
    expect(found.filter((id) => id.startsWith('fatal'))).toEqual([]);
  });
});

describe('other rules', () => {
  test('a bare Promise.race outside src/util/deadline.ts fails', async () => {
    expect(await violations('src/stores/session-id.ts', RACE)).toContain('no-restricted-syntax');
    expect(await violations('src/util/deadline.ts', RACE)).not.toContain('no-restricted-syntax');
  });

  test('a floating promise fails', async () => {
    expect(await violations('src/stores/session-id.ts', FLOATING)).toContain('@typescript-eslint/no-floating-promises');
  });

  test('an eslint-disable without a reason fails; with one it passes', async () => {
    const comment = '@eslint-community/eslint-comments/require-description';
    expect(await violations('src/stores/session-id.ts', BARE_DISABLE)).toContain(comment);
    expect(await violations('src/stores/session-id.ts', REASONED_DISABLE)).toEqual([]);
  });
});
