/**
 * waweb's page adapter calls only what the page contract lists: every module name it `require`s in
 * `src/web/page/` must be one docs/page-contract.md names. (The simulator may provide more, for other
 * clients; the adapter may not use it.)
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..');

async function adapterRequires(): Promise<string[]> {
  const dir = path.join(root, 'src', 'web', 'page');
  const names = new Set<string>();
  for (const file of await readdir(dir)) {
    if (!file.endsWith('.ts')) continue;
    const text = await readFile(path.join(dir, file), 'utf8');
    // Any call that names a module (`req('WA…')`, `require('WA…')`), however the loader is reached.
    for (const m of text.matchAll(/\(\s*'(WA[A-Za-z0-9_]+)'\s*\)/g)) names.add(m[1]!);
  }
  return [...names].sort();
}

async function contractModules(): Promise<Set<string>> {
  const text = await readFile(path.join(root, 'docs', 'page-contract.md'), 'utf8');
  return new Set([...text.matchAll(/`(WA[A-Za-z0-9_]+)/g)].map((m) => m[1]!));
}

test('every module the page adapter requires is listed in docs/page-contract.md', async () => {
  const used = await adapterRequires();
  const listed = await contractModules();
  // The adapter does require modules (a scan that finds nothing would pass vacuously).
  expect(used).toEqual(expect.arrayContaining(['WAWebSocketModel', 'WAWebSendMsgChatAction', 'WAWebMsgKey']));
  expect(used.filter((name) => !listed.has(name))).toEqual([]);
});

test('the simulator-only sending member is gone from both sides', async () => {
  const files = [
    path.join(root, 'src', 'web', 'page', 'index.ts'),
    ...(await readdir(path.join(root, 'src', 'simulator', 'page'))).map((f) => path.join(root, 'src', 'simulator', 'page', f)),
  ];
  for (const file of files) expect(await readFile(file, 'utf8')).not.toContain('sendTextMsgToChat');
});
