/** `waweb session list`: a session's stored generations, newest first, each with its state (and, encrypted, its key). */
import { EncryptedStore, type StoredGeneration } from '../../index';
import { openStoreUrl } from '../store-url';
import { SessionArgs, type SessionCommand } from './args';
import { describeState, stateJson } from './marking';

const USAGE = `  list --store URL --session ID [--json]          list the stored generations, newest first, with their state
                                                  (ok, logged in at T, set aside: REASON at T); exit 1 when none.
                                                  An encrypted: store also shows each generation's key and flags
                                                  the ones to rekey: a retired key, a key not among the keys
                                                  given, or not encrypted at all`;

/** What a generation's key is to the keys given: `current`, `retired` (in the ring), `unknown` or `plaintext`. */
type KeyState = 'current' | 'retired' | 'unknown' | 'plaintext';

interface KeyInfo {
  keyId: string | null;
  keyState: KeyState;
}

function keyNote(k: KeyInfo | undefined): string {
  if (!k) return '';
  if (k.keyState === 'current') return `  [key "${k.keyId}"]`;
  if (k.keyState === 'retired') return `  [key "${k.keyId}": retired, rekey]`;
  if (k.keyState === 'unknown') return `  [KEY "${k.keyId}" NOT AMONG THE KEYS GIVEN]`;
  return '  [NOT ENCRYPTED]';
}

function generationRow(g: StoredGeneration, key: KeyInfo | undefined): string {
  return `${String(g.generation).padStart(10)}  ${g.createdAt.toISOString()}  ${String(g.bytes).padStart(12)}  ${describeState(g)}${keyNote(key)}`;
}

/** The key of every generation of an encrypted store, by generation; none for a store in clear. */
async function keysOf(store: unknown, sessionId: string): Promise<Map<number, KeyInfo>> {
  const out = new Map<number, KeyInfo>();
  if (!(store instanceof EncryptedStore)) return out;
  for (const k of await store.keyIds(sessionId)) {
    const keyState: KeyState =
      k.keyId === null ? 'plaintext' : !k.inRing ? 'unknown' : k.keyId === store.currentKeyId ? 'current' : 'retired';
    out.set(k.generation, { keyId: k.keyId, keyState });
  }
  return out;
}

async function run(argv: string[]): Promise<number> {
  const args = SessionArgs.parse(argv, { store: { type: 'string' }, session: { type: 'string' }, json: { type: 'boolean' } }, USAGE);
  args.noPositionals();
  const url = args.required('store');
  const sessionId = args.session();
  const opened = openStoreUrl(url);
  try {
    const generations = await opened.store.list(sessionId);
    const keys = await keysOf(opened.store, sessionId);
    if (args.flag('json')) {
      const rows = generations.map((g) => ({
        generation: g.generation,
        createdAt: g.createdAt.toISOString(),
        bytes: g.bytes,
        ...stateJson(g),
        ...(keys.get(g.generation) ?? {}),
      }));
      console.log(JSON.stringify({ store: opened.label, session: sessionId, generations: rows }, null, 2));
      return generations.length === 0 ? 1 : 0;
    }
    if (generations.length === 0) {
      console.log(`no backups of session ${sessionId} in ${opened.label}`);
      return 1;
    }
    console.log(`session ${sessionId} in ${opened.label}: ${generations.length} generation(s), newest first`);
    console.log(`${'generation'.padStart(10)}  ${'createdAt'.padEnd(24)}  ${'bytes'.padStart(12)}  state`);
    for (const g of generations) console.log(generationRow(g, keys.get(g.generation)));
    const stale = [...keys.values()].filter((k) => k.keyState !== 'current').length;
    if (stale > 0) console.log(`${stale} generation(s) not under the current key: run waweb session rekey`);
    return 0;
  } finally {
    await opened.close();
  }
}

export const list: SessionCommand = { usage: USAGE, run };
