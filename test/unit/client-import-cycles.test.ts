/**
 * The client and its model import nothing that imports them back, type-only imports included
 * (import-x/no-cycle skips those): a model that grows by hundreds of members stays loadable in order.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const src = path.resolve(__dirname, '..', '..', 'src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'page' ? [] : sources(full);
    return full.endsWith('.ts') && !full.endsWith('.d.ts') ? [full] : [];
  });
}

/** Every relative import and export-from of `file` that names a source file, `import type` too. */
function imports(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return info.importedFiles
    .filter((i) => i.fileName.startsWith('.'))
    .map((i) => path.resolve(path.dirname(file), i.fileName))
    .flatMap((base) => [`${base}.ts`, path.join(base, 'index.ts')].filter((candidate) => existsSync(candidate)).slice(0, 1));
}

/** The cycles reachable from `roots`, each as the files around it. */
function cyclesFrom(roots: string[]): string[][] {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (file: string): void => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of imports(file)) {
      if (state.get(next) === 'open') found.push([...stack.slice(stack.indexOf(next)), next].map((f) => path.relative(src, f)));
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const root of roots) if (!state.has(root)) visit(root);
  return found;
}

test('src/client and src/web have no import cycle, counting type-only imports', () => {
  const roots = [...sources(path.join(src, 'client')), ...sources(path.join(src, 'web'))];
  expect(roots.length).toBeGreaterThan(20);
  expect(cyclesFrom(roots)).toEqual([]);
});

test('the check sees a cycle made only of type imports', () => {
  const a = path.join(src, 'client', 'model', 'message.ts');
  const b = path.join(src, 'client', 'model', 'chat.ts');
  // message.ts names Chat through the ModelTypes registry; an `import type` of chat.ts would close a cycle.
  const withTypeImport = `import type { Chat } from './chat';\n${readFileSync(a, 'utf8')}`;
  const edges = ts.preProcessFile(withTypeImport, true, true).importedFiles.map((i) => i.fileName);
  expect(edges).toContain('./chat');
  expect(imports(b).map((f) => path.relative(src, f))).toContain(path.join('client', 'model', 'message.ts'));
});
