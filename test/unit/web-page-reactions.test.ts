/**
 * Issue 26: a reaction's `orphanReason` and `ack` (whatsapp-web.js's `Reaction`) come from the app's rows when
 * it fills them, for the event (`reactionTableMode.bulkUpsert`) and for `getReactions()`
 * (`WAWebCollections.Reactions.find`); the app's nulls leave them out. No browser: the page's reading
 * code runs on hand-made app rows.
 */
import { Reaction } from '../../src/client/model/reaction';
import type { PageEvent, PageReactionGroup } from '../../src/web/bridge';

type Req = (name: string) => any;
// The page's code is type-checked with the DOM (tsconfig.page.json), so it is loaded untyped here.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- see above
const { reactions, watchReactions } = require('../../src/web/page/actions') as {
  reactions: (req: Req, messageId: string) => Promise<PageReactionGroup[] | null>;
  watchReactions: (req: Req, emit: (event: PageEvent) => void) => void;
};

const parent = { fromMe: true, remote: { _serialized: '15550001111@c.us' }, id: '3EB0AAAA', _serialized: 'true_15550001111@c.us_3EB0AAAA' };
const sender = (extra: Record<string, unknown>) => ({
  msgKey: 'false_15550001111@c.us_3EB0BBBB',
  parentMsgKey: parent._serialized,
  senderUserJid: '15550001111@c.us',
  reactionText: '👍',
  timestamp: 1_700_000_000_000,
  orphan: 0,
  read: true,
  ...extra,
});

function fakeApp(senders: unknown[]) {
  const table = { bulkUpsert: (list: unknown[]) => list };
  const req = ((name: string) => {
    if (name === 'WAWebAddonReactionTableMode') return { reactionTableMode: table };
    if (name === 'WAWebCollections')
      return {
        Reactions: {
          find: async () => ({
            reactions: { length: 1, serialize: () => [{ id: '👍', aggregateEmoji: '👍', hasReactionByMe: false, senders }] },
          }),
        },
      };
    throw new Error(`no module ${name}`);
  }) as Req;
  return { req, table };
}

test("getReactions: a sender's orphanReason and ack when the app gives them, absent when it gives null", async () => {
  const { req } = fakeApp([
    sender({ orphanReason: 'no-parent', ack: 2 }),
    sender({ orphanReason: null, ack: null, senderUserJid: '15550002222@c.us' }),
  ]);
  const [group] = (await reactions(req, parent._serialized)) ?? [];
  const [filled, empty] = (group?.senders ?? []).map((s) => new Reaction(s));
  expect(filled).toMatchObject({ orphanReason: 'no-parent', ack: 2, reaction: '👍', senderId: '15550001111@c.us' });
  expect(empty).toMatchObject({ reaction: '👍', senderId: '15550002222@c.us' });
  expect(empty?.orphanReason).toBeUndefined();
  expect(empty?.ack).toBeUndefined();
});

test('message_reaction: the row the app upserts gives the event its orphanReason and ack', () => {
  const { req, table } = fakeApp([]);
  const events: PageEvent[] = [];
  watchReactions(req, (e) => events.push(e));
  const row = {
    id: { ...parent, fromMe: false, id: '3EB0CCCC', _serialized: 'false_15550001111@c.us_3EB0CCCC' },
    reactionParentKey: parent,
  };
  table.bulkUpsert([
    { ...row, reactionText: '🎉', reactionTimestamp: 1_700_000_000_000, from: parent.remote, orphan: 1, orphanReason: 'late', ack: 1 },
  ]);
  table.bulkUpsert([
    { ...row, reactionText: '', reactionTimestamp: 1_700_000_001_000, from: parent.remote, orphan: 0, orphanReason: null, ack: null },
  ]);
  const got = events.map((e) => (e.type === 'reaction' ? new Reaction(e.reaction) : undefined));
  expect(got[0]).toMatchObject({ reaction: '🎉', orphan: 1, orphanReason: 'late', ack: 1 });
  expect(got[1]).toMatchObject({ reaction: '', orphan: 0 });
  expect(got[1]?.orphanReason).toBeUndefined();
  expect(got[1]?.ack).toBeUndefined();
});
