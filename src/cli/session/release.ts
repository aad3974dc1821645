/** `waweb session release`: make a set-aside generation restorable again. */
import { SessionArgs, type SessionCommand } from './args';
import { LEASE_FLAGS, LEASE_HELP, LEASE_USAGE, refuseLiveLease } from './live-lease';
import { describeState, withMarkingStore } from './marking';

const USAGE = `  release --store URL --session ID --generation N ${LEASE_USAGE}
                                                  release a set-aside generation: restorable again, and
                                                  counted toward keep; exit 2 when the store has no marks;
                                                  ${LEASE_HELP}`;

async function run(argv: string[]): Promise<number> {
  const args = SessionArgs.parse(
    argv,
    { store: { type: 'string' }, session: { type: 'string' }, generation: { type: 'string' }, ...LEASE_FLAGS },
    USAGE,
  );
  args.noPositionals();
  const url = args.required('store');
  const session = args.session();
  const generation = args.generation();
  if (generation === undefined) throw args.invalid('--generation is required');
  await refuseLiveLease(args, url, session, 'release');
  return withMarkingStore(url, 'release', async (store, opened) => {
    const before = (await store.list(session)).find((g) => g.generation === generation);
    const released = before && (await store.mark(session, generation, { setAside: null }));
    if (!released) {
      console.error(`no generation ${generation} of session ${session} in ${opened.label}`);
      return 1;
    }
    const was = before.setAside ? `released (was set aside: ${before.setAside.reason})` : 'was not set aside';
    console.log(`generation ${generation} of ${session} in ${opened.label} ${was}; now ${describeState(released)}`);
    return 0;
  });
}

export const release: SessionCommand = { usage: USAGE, run };
