// The parts of src/ and what each may import: the one table that eslint.config.mjs turns into
// layer rules, test/unit/lint-rules.test.ts checks case by case, and docs/architecture.md shows.
// A file belongs to the part with the most specific path that holds it (a file named exactly
// beats a folder, a deeper folder beats a shallower one); every file under src/ must belong to one.
//   node scripts/architecture.mjs   prints { parts, files: { "<path>": "<part>" } } as JSON
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `paths`: folders (ending in `/`) or files, relative to the repository. `mayImport`: the other
 * parts its files may import (a part may always import itself). Entry parts are named after the
 * package path users import (`waweb`, `waweb/manager`, ...).
 */
export const PARTS = [
  { name: 'errors', paths: ['src/errors.ts'], mayImport: [] },
  { name: 'util', paths: ['src/util/'], mayImport: ['errors'] },
  { name: 'archive', paths: ['src/archive/'], mayImport: ['util', 'errors'] },
  { name: 'db', paths: ['src/db/'], mayImport: ['util', 'errors'] },
  { name: 'stores', paths: ['src/stores/'], mayImport: ['db', 'util', 'errors'] },
  { name: 'leases', paths: ['src/leases/'], mayImport: ['db', 'util', 'errors'] },
  { name: 'browser', paths: ['src/browser/'], mayImport: ['util', 'errors'] },
  {
    name: 'web/bridge',
    paths: [
      'src/web/bridge.ts',
      'src/web/bridge-groups.ts',
      'src/web/bridge-contacts.ts',
      'src/web/bridge-interface.ts',
      'src/web/bridge-chats.ts',
      'src/web/bridge-media.ts',
      'src/web/bridge-business.ts',
      'src/web/bridge-polls.ts',
      'src/web/bridge-phone.ts',
      'src/web/bridge-status.ts',
      'src/web/bridge-channels.ts',
      'src/web/bridge-messages.ts',
    ],
    mayImport: [],
  },
  { name: 'web/page', paths: ['src/web/page/'], mayImport: ['web/bridge'] },
  { name: 'web', paths: ['src/web/'], mayImport: ['web/bridge', 'browser', 'util', 'errors'] },
  { name: 'auth', paths: ['src/auth/'], mayImport: ['archive', 'stores', 'browser', 'util', 'errors'] },
  { name: 'client', paths: ['src/client/'], mayImport: ['auth', 'browser', 'web', 'web/bridge', 'util', 'errors'] },
  { name: 'session', paths: ['src/session/'], mayImport: ['auth', 'archive', 'stores', 'browser', 'util', 'errors'] },
  {
    name: 'simulator/protocol',
    paths: ['src/simulator/protocol.ts', 'src/simulator/protocol-messages.ts', 'src/simulator/protocol-records.ts'],
    mayImport: [],
  },
  { name: 'simulator/page', paths: ['src/simulator/page/'], mayImport: ['simulator/protocol'] },
  { name: 'simulator', paths: ['src/simulator/'], mayImport: ['simulator/protocol', 'util', 'errors'] },
  { name: 'manager', paths: ['src/manager/'], mayImport: ['client', 'auth', 'stores', 'leases', 'util', 'errors'] },
  { name: 'serve', paths: ['src/serve/'], mayImport: ['manager', 'util', 'errors'] },
  { name: 'testing', paths: ['src/testing/'], mayImport: ['waweb'] },
  { name: 'wwebjs', paths: ['src/wwebjs/'], mayImport: ['waweb', 'browser'] },
  { name: 'cli', paths: ['src/cli/'], mayImport: ['waweb', 'waweb/simulator', 'waweb/manager', 'waweb/dashboard', 'waweb/session'] },
  {
    name: 'waweb',
    paths: ['src/index.ts'],
    mayImport: ['client', 'auth', 'stores', 'web', 'browser', 'util', 'errors'],
  },
  { name: 'waweb/simulator', paths: ['src/simulator/index.ts'], mayImport: ['simulator', 'simulator/protocol'] },
  { name: 'waweb/testing', paths: ['src/testing/index.ts'], mayImport: ['testing'] },
  { name: 'waweb/wwebjs', paths: ['src/wwebjs/index.ts'], mayImport: ['wwebjs', 'waweb'] },
  { name: 'waweb/manager', paths: ['src/manager/index.ts'], mayImport: ['manager', 'leases'] },
  { name: 'waweb/dashboard', paths: ['src/serve/index.ts'], mayImport: ['serve'] },
  { name: 'waweb/session', paths: ['src/session/index.ts'], mayImport: ['session', 'archive', 'util'] },
];

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** How specific a path is: a file beats any folder; otherwise the deeper folder wins. */
function specificity(p) {
  return p.endsWith('/') ? p.split('/').length : Number.MAX_SAFE_INTEGER;
}

/** The part a repository-relative file belongs to, or undefined when none holds it. */
export function partOf(file) {
  let best;
  let bestScore = -1;
  for (const part of PARTS) {
    for (const p of part.paths) {
      const holds = p.endsWith('/') ? file.startsWith(p) : file === p;
      if (holds && specificity(p) > bestScore) {
        best = part.name;
        bestScore = specificity(p);
      }
    }
  }
  return best;
}

/** Every TypeScript file under src/, repository-relative with forward slashes, sorted. */
export function sourceFiles(root = repoRoot) {
  const out = [];
  const walk = (dir) => {
    for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(rel);
      else if (entry.name.endsWith('.ts')) out.push(rel);
    }
  };
  walk('src');
  return out.sort();
}

/** `{ file: part }` for every source file; throws naming the files no part holds. */
export function assignFiles(root = repoRoot) {
  const files = {};
  const orphans = [];
  for (const file of sourceFiles(root)) {
    const part = partOf(file);
    if (part === undefined) orphans.push(file);
    else files[file] = part;
  }
  if (orphans.length > 0) {
    throw new Error(`scripts/architecture.mjs: no part holds ${orphans.join(', ')}; add it to PARTS and docs/architecture.md`);
  }
  return files;
}

/** Checks the table itself: known names, no part importing itself or a part twice. */
export function checkTable() {
  const names = new Set(PARTS.map((p) => p.name));
  if (names.size !== PARTS.length) throw new Error('scripts/architecture.mjs: a part is listed twice');
  for (const part of PARTS) {
    for (const target of part.mayImport) {
      if (!names.has(target)) throw new Error(`scripts/architecture.mjs: ${part.name} may import an unknown part "${target}"`);
      if (target === part.name) throw new Error(`scripts/architecture.mjs: ${part.name} lists itself`);
    }
  }
}

/**
 * The zones of `import-x/no-restricted-paths`: one per part, whose files may import nothing from the
 * files of the parts it does not list. Files are named one by one, so nested parts (web/page inside
 * web) need no exceptions.
 */
export function layerZones(root = repoRoot) {
  checkTable();
  const files = assignFiles(root);
  const filesOf = (name) =>
    Object.keys(files)
      .filter((f) => files[f] === name)
      .map((f) => `./${f}`);
  const zones = [];
  for (const part of PARTS) {
    const target = filesOf(part.name);
    const allowed = new Set([part.name, ...part.mayImport]);
    const from = PARTS.filter((p) => !allowed.has(p.name)).flatMap((p) => filesOf(p.name));
    if (target.length === 0 || from.length === 0) continue;
    const list = part.mayImport.length > 0 ? part.mayImport.join(', ') : 'no other part';
    zones.push({ target, from, message: `${part.name} may import only ${list} (docs/architecture.md)` });
  }
  return zones;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  checkTable();
  process.stdout.write(JSON.stringify({ parts: PARTS, files: assignFiles() }));
}
