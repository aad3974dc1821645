/** `waweb session list`: a session's stored generations, newest first, each with its state. */
import type { StoredGeneration } from '../../index';
import { openStoreUrl } from '../store-url';
import { SessionArgs, type SessionCommand } from './args';
import { describeState, stateJson } from './marking';

const USAGE = `  list --store URL --session ID [--json]          list the stored generations, newest first, with their state
                                                  (ok, logged in at T, set aside: REASON at T); exit 1 when none`;

function generationRow(g: StoredGeneration): string {
  return `${String(g.generation).padStart(10)}  ${g.createdAt.toISOString()}  ${String(g.bytes).padStart(12)}  ${describeState(g)}`;
}

async function run(argv: string[]): Promise<number> {
  const args = SessionArgs.parse(argv, { store: { type: 'string' }, session: { type: 'string' }, json: { type: 'boolean' } }, USAGE);
  args.noPositionals();
  const url = args.required('store');
  const sessionId = args.session();
  const opened = openStoreUrl(url);
  try {
    const generations = await opened.store.list(sessionId);
    if (args.flag('json')) {
      const rows = generations.map((g) => ({
        generation: g.generation,
        createdAt: g.createdAt.toISOString(),
        bytes: g.bytes,
        ...stateJson(g),
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
    for (const g of generations) console.log(generationRow(g));
    return 0;
  } finally {
    await opened.close();
  }
}

export const list: SessionCommand = { usage: USAGE, run };
