/** `waweb session set-aside`: keep one generation from being restored automatically (MANUAL). */
import { SessionArgs, type SessionCommand } from './args';
import { LEASE_FLAGS, LEASE_HELP, LEASE_USAGE, refuseLiveLease } from './live-lease';
import { describeState, withMarkingStore } from './marking';

const USAGE = `  set-aside --store URL --session ID --generation N [--reason TEXT] ${LEASE_USAGE}
                                                  set one generation aside: kept and listed, never restored
                                                  automatically, not counted toward keep (reason MANUAL,
                                                  TEXT its detail); exit 2 when the store has no marks;
                                                  ${LEASE_HELP}`;

async function run(argv: string[]): Promise<number> {
  const args = SessionArgs.parse(
    argv,
    { store: { type: 'string' }, session: { type: 'string' }, generation: { type: 'string' }, reason: { type: 'string' }, ...LEASE_FLAGS },
    USAGE,
  );
  args.noPositionals();
  const url = args.required('store');
  const session = args.session();
  const generation = args.generation();
  if (generation === undefined) throw args.invalid('--generation is required');
  const detail = args.string('reason') ?? 'set aside by hand (waweb session set-aside)';
  await refuseLiveLease(args, url, session, 'set-aside');
  return withMarkingStore(url, 'set-aside', async (store, opened) => {
    const marked = await store.mark(session, generation, { setAside: { reason: 'MANUAL', detail } });
    if (!marked) {
      console.error(`no generation ${generation} of session ${session} in ${opened.label}`);
      return 1;
    }
    console.log(`generation ${generation} of ${session} in ${opened.label}: ${describeState(marked)}`);
    return 0;
  });
}

export const setAside: SessionCommand = { usage: USAGE, run };
