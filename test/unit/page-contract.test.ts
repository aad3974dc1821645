/**
 * waweb's page adapter calls only what the page contract lists: every module name it `require`s in
 * `src/web/page/` must be one docs/page-contract.md names. (The simulator may provide more, for other
 * clients; the adapter may not use it.)
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { MANIFEST } from '../../src/web/page/contract';

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

/** The rows of docs/page-contract.md's "## Manifest" table: module, member, kind, feature. */
async function docsManifest(): Promise<string[][]> {
  const text = await readFile(path.join(root, 'docs', 'page-contract.md'), 'utf8');
  const section = text.split('\n## Manifest\n')[1]?.split('\n## ')[0] ?? '';
  return section
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) =>
      line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim().replace(/^`|`$/g, '')),
    );
}

/**
 * Every module and member chain the adapter's code reads, as `Module member.chain`: directly
 * (`req('X').a.b`), through a variable that holds a module or one of its members
 * (`const v = req('X')`, `const v = req('X').a`, `const { a } = req('X')`, then `v.b`; not what a call returns). A chain ends
 * before a segment the code reads optionally (`a?.()`), which the app may lack without harm.
 */
async function adapterChains(): Promise<{ chains: Set<string>; modules: Set<string> }> {
  const dir = path.join(root, 'src', 'web', 'page');
  const chains = new Set<string>();
  const modules = new Set<string>();
  /** The chain's members, up to one read optionally; `whole` when none was. */
  const segments = (tail: string): { parts: string[]; whole: boolean } => {
    const parts: string[] = [];
    for (const m of tail.matchAll(/\??\.([A-Za-z_$][\w$]*)(\?\.)?/g)) {
      if (m[2]) return { parts, whole: false };
      parts.push(m[1]!);
    }
    return { parts, whole: true };
  };
  for (const file of await readdir(dir)) {
    if (!file.endsWith('.ts') || file === 'contract.ts') continue;
    const text = await readFile(path.join(dir, file), 'utf8');
    /** A chain that is called (`a.b(`) is marked `()`: it must be a listed function, not a property of an object. */
    const add = (module: string, prefix: string[], tail: string, end: number): void => {
      modules.add(module);
      const { parts, whole } = segments(tail);
      const chain = [...prefix, ...parts];
      if (chain.length > 0) chains.add(`${module} ${chain.join('.')}${whole && text[end] === '(' ? '()' : ''}`);
    };
    for (const m of text.matchAll(/req\('(WA\w+)'\)((?:\??\.[A-Za-z_$][\w$]*)*(?:\?\.)?)/g)) add(m[1]!, [], m[2]!, m.index + m[0].length);
    const held: Array<[name: string, module: string, prefix: string[]]> = [];
    for (const m of text.matchAll(/(?:const|let) (\w+) = req\('(WA\w+)'\)((?:\.[A-Za-z_$][\w$]*)*)(?=;| as\b)/g))
      held.push([m[1]!, m[2]!, segments(m[3]!).parts]);
    for (const m of text.matchAll(/const \{ (\w+) \} = req\('(WA\w+)'\)/g)) held.push([m[1]!, m[2]!, [m[1]!]]);
    for (const [name, module, prefix] of held) {
      for (const m of text.matchAll(new RegExp(`(?<![\\w$.])${name}((?:\\??\\.[A-Za-z_$][\\w$]*)+(?:\\?\\.)?)`, 'g')))
        add(module, prefix, m[1]!, m.index + m[0].length);
    }
  }
  return { chains, modules };
}

test("docs/page-contract.md's Manifest table is the adapter's manifest, row for row", async () => {
  const rows = await docsManifest();
  expect(rows.length).toBeGreaterThan(50);
  expect(rows).toEqual(MANIFEST.map((entry) => [...entry]));
});

test('every module and member chain the adapter reads is in the manifest; every manifest module is in the contract', async () => {
  const { chains, modules: used } = await adapterChains();
  // The scan finds chains of each kind (a scan that finds nothing would pass vacuously).
  expect([...chains]).toEqual(
    expect.arrayContaining([
      'WAWebSendMsgChatAction addAndSendMsgToChat()',
      'WAWebDownloadManager downloadManager.downloadAndMaybeDecrypt()',
      'WAWebCmd Cmd.sendRevokeMsgs()',
      'WAWebSocketModel Socket.logout()',
      'WAWebSocketModel Socket.state',
      'WAWebUserPrefsMeUser getMaybeMeLidUser()',
      'WAWebChatStateBridge sendChatStatePaused()',
    ]),
  );
  const covered = (chain: string): boolean => {
    const [module, read] = chain.split(' ') as [string, string];
    const member = read.replace(/\(\)$/, '');
    if (read.endsWith('()')) return MANIFEST.some(([m, listed, kind]) => m === module && listed === member && kind === 'function');
    return MANIFEST.some(
      ([m, listed, kind]) =>
        m === module && (listed === member || listed.startsWith(`${member}.`) || (kind === 'object' && member.startsWith(`${listed}.`))),
    );
  };
  expect([...chains].filter((chain) => !covered(chain)).sort()).toEqual([]);
  // A row may name several modules seen as one (`A+B`, the registration helpers): each must be in the contract.
  const modules = new Set(MANIFEST.flatMap(([module]) => module.split('+')));
  expect(used.size).toBeGreaterThan(30);
  expect([...used].filter((name) => !modules.has(name))).toEqual([]);
  const listed = await contractModules();
  expect([...modules].filter((name) => !listed.has(name))).toEqual([]);
});
