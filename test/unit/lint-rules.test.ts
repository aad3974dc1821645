/**
 * The lint is the enforcement of docs/architecture.md: code that crosses a forbidden edge between
 * the parts, races promises by hand or silences a rule without saying why must fail `npm run lint`.
 * Each case lints a few lines as if they stood in a real file of that part.
 */
import { execFile, execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
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
const CYCLE = 'waweb/no-import-cycle';

interface Part {
  name: string;
  paths: string[];
  mayImport: string[];
}

/** The parts table and which part each file of src/ belongs to, as scripts/architecture.mjs computes them. */
const architecture = JSON.parse(
  execFileSync(process.execPath, [path.join(root, 'scripts', 'architecture.mjs')], { cwd: root, encoding: 'utf8' }),
) as { parts: Part[]; files: Record<string, string> };

/** A file of `part` to stand in or to import (a hand-written one: generated bundles are not linted). */
function fileOf(part: string): string | undefined {
  return Object.keys(architecture.files).find((f) => architecture.files[f] === part && !f.endsWith('.generated.ts'));
}

/** `import '<specifier of target>';` as written in `from`. */
function importOf(from: string, target: string): string {
  let specifier = path.posix.relative(path.posix.dirname(from), target).replace(/\.ts$/, '');
  if (!specifier.startsWith('.')) specifier = `./${specifier}`;
  return `import '${specifier}';\n`;
}

/** For every part with files: one import of a part it may not use, and one of a part it may use. */
const TABLE_CASES = architecture.parts.flatMap((part) => {
  const file = fileOf(part.name);
  if (file === undefined) return [];
  const allowed = new Set([part.name, ...part.mayImport]);
  const forbiddenTarget = architecture.parts.map((p) => p.name).find((name) => !allowed.has(name) && fileOf(name) !== undefined);
  const allowedTarget = part.mayImport.find((name) => fileOf(name) !== undefined);
  return [
    ...(forbiddenTarget === undefined
      ? []
      : [{ part: part.name, file, target: forbiddenTarget, code: importOf(file, fileOf(forbiddenTarget)!), allowed: false }]),
    ...(allowedTarget === undefined
      ? []
      : [{ part: part.name, file, target: allowedTarget, code: importOf(file, fileOf(allowedTarget)!), allowed: true }]),
  ];
});
register(TABLE_CASES.map((c) => [c.file, c.code] as [string, string]));

const TYPE_CYCLE = "import type { SessionArchive } from './index';\nexport type Used = SessionArchive;\n";
const NO_CYCLE = "import type { SessionArchive } from './create';\nexport type Used = SessionArchive;\n";
const LONG_FILE = Array.from({ length: 401 }, (_, i) => `export const line${i} = ${i};`).join('\n') + '\n';
register([
  ['src/archive/limits.ts', TYPE_CYCLE],
  ['src/archive/limits.ts', NO_CYCLE],
  ['src/util/errno.ts', LONG_FILE],
]);

describe('the parts table (scripts/architecture.mjs)', () => {
  test('every file under src/ belongs to a part', () => {
    const walk = (dir: string): string[] =>
      readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? walk(`${dir}/${e.name}`) : e.name.endsWith('.ts') ? [`${dir}/${e.name}`] : [],
      );
    expect(walk('src').sort()).toEqual(Object.keys(architecture.files).sort());
  });

  test('docs/architecture.md shows the same parts, files and imports', () => {
    const doc = readFileSync(path.join(root, 'docs', 'architecture.md'), 'utf8');
    const names = (cell: string): string[] => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!).sort();
    const rows = doc
      .split('\n')
      .filter((line) => /^\| `[^`]+` \|/.test(line))
      .map((line) => line.split('|').map((c) => c.trim()));
    const documented = rows.map((cells) => ({ name: names(cells[1]!)[0], paths: names(cells[2]!), mayImport: names(cells[4]!) }));
    expect(documented).toEqual(
      architecture.parts.map((p) => ({ name: p.name, paths: [...p.paths].sort(), mayImport: [...p.mayImport].sort() })),
    );
  });

  test.each(TABLE_CASES)('$part ($file) importing $target: allowed $allowed', async ({ file, code, allowed }) => {
    const found = await violations(file, code);
    if (allowed) expect(found).not.toContain(LAYER);
    else expect(found).toContain(LAYER);
    expect(found.filter((id) => id.startsWith('fatal'))).toEqual([]);
  });

  test('the table gives every part with files both kinds of case', () => {
    const withFiles = architecture.parts.filter((p) => fileOf(p.name) !== undefined);
    expect(withFiles.length).toBeGreaterThan(15);
    for (const part of withFiles) {
      expect(TABLE_CASES.filter((c) => c.part === part.name && !c.allowed)).toHaveLength(1);
      if (part.mayImport.some((name) => fileOf(name) !== undefined)) {
        expect(TABLE_CASES.filter((c) => c.part === part.name && c.allowed)).toHaveLength(1);
      }
    }
  });
});

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

describe('other rules', () => {
  test('a bare Promise.race outside src/util/deadline.ts fails', async () => {
    expect(await violations('src/stores/session-id.ts', RACE)).toContain('no-restricted-syntax');
    expect(await violations('src/util/deadline.ts', RACE)).not.toContain('no-restricted-syntax');
  });

  test('a floating promise fails', async () => {
    expect(await violations('src/stores/session-id.ts', FLOATING)).toContain('@typescript-eslint/no-floating-promises');
  });

  test('an import cycle fails, also when every import in it is `import type`', async () => {
    expect(await violations('src/archive/limits.ts', TYPE_CYCLE)).toContain(CYCLE);
    expect(await violations('src/archive/limits.ts', NO_CYCLE)).not.toContain(CYCLE);
  });

  test('a source file over 400 lines fails', async () => {
    expect(await violations('src/util/errno.ts', LONG_FILE)).toContain('max-lines');
  });

  test('an eslint-disable without a reason fails; with one it passes', async () => {
    const comment = '@eslint-community/eslint-comments/require-description';
    expect(await violations('src/stores/session-id.ts', BARE_DISABLE)).toContain(comment);
    expect(await violations('src/stores/session-id.ts', REASONED_DISABLE)).toEqual([]);
  });
});
