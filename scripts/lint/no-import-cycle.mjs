// ESLint rule `waweb/no-import-cycle`: no file under src/ may reach itself through relative imports,
// counting `import type` and `export ... from` as well (import-x/no-cycle skips type-only imports,
// and a cycle of types is still two files that cannot be understood apart).
// The file being linted is read from its AST (so lintText sees the text given); every other file from
// disk, once per process, with TypeScript's own import scanner.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const EXTENSIONS = ['.ts', '/index.ts'];
const diskImports = new Map();

/** The source file a relative specifier names, or undefined (packages, JSON, missing files). */
function resolveRelative(fromFile, specifier) {
  if (!specifier.startsWith('.')) return undefined;
  const base = path.resolve(path.dirname(fromFile), specifier);
  if (base.endsWith('.ts') && existsSync(base)) return base;
  for (const ext of EXTENSIONS) {
    const candidate = base + ext;
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

function importsOnDisk(file) {
  let found = diskImports.get(file);
  if (found === undefined) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      // A file that vanished imports nothing.
    }
    const info = ts.preProcessFile(text, true, true);
    found = info.importedFiles.map((f) => resolveRelative(file, f.fileName)).filter((f) => f !== undefined);
    diskImports.set(file, found);
  }
  return found;
}

/** A path of files from `start` back to `target`, or undefined. */
function pathBack(start, target) {
  const seen = new Set([start]);
  const stack = [[start, [start]]];
  while (stack.length > 0) {
    const [file, route] = stack.pop();
    for (const next of importsOnDisk(file)) {
      if (next === target) return route;
      if (!seen.has(next)) {
        seen.add(next);
        stack.push([next, [...route, next]]);
      }
    }
  }
  return undefined;
}

export default {
  meta: {
    type: 'problem',
    docs: { description: 'disallow import cycles between source files, type-only imports included' },
    schema: [],
    messages: { cycle: 'Import cycle: {{route}}' },
  },
  create(context) {
    const filename = context.physicalFilename;
    const root = context.cwd;
    const relative = (f) => path.relative(root, f).split(path.sep).join('/');
    const check = (node) => {
      const source = node.source;
      if (!source || typeof source.value !== 'string') return;
      const target = resolveRelative(filename, source.value);
      if (target === undefined || target === filename) return;
      const route = pathBack(target, filename);
      if (route) context.report({ node, messageId: 'cycle', data: { route: [filename, ...route, filename].map(relative).join(' -> ') } });
    };
    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
    };
  },
};
