/**
 * Findings of the example.js comparison (test/e2e/example-js.test.ts, issue 26 point 3), each where
 * waweb did something silently different from whatsapp-web.js with the same call. No browser.
 */
import { InvalidOptionError } from '../../src/index';
import { toOutgoing } from '../../src/client/outgoing';
import { chatIdOf } from '../../src/client/model/wid';

function thrown(call: () => unknown): unknown {
  try {
    call();
  } catch (err) {
    return err;
  }
  return undefined;
}

test("a bare id that is no phone number is refused, not sent to '<id>@c.us' (example.js's !getGroupMentions sends to 'chatId')", () => {
  const err = thrown(() => chatIdOf('chatId'));
  expect(err).toBeInstanceOf(InvalidOptionError);
  expect(err).toMatchObject({ code: 'INVALID_OPTION' });
  expect(thrown(() => chatIdOf('XXXXXXXXXX'))).toBeInstanceOf(InvalidOptionError);
  // A bare number is still accepted, and ids with a server pass through (placeholders too: the app decides).
  expect(chatIdOf('15550001111')).toBe('15550001111@c.us');
  expect(chatIdOf('XXXXXXXXXX@c.us')).toBe('XXXXXXXXXX@c.us');
  expect(chatIdOf('123456789-987654@g.us')).toBe('123456789-987654@g.us');
});

test("one group mention given as an object, as example.js's !mentionGroups does, is sent like a list of one, not dropped", () => {
  const one = { subject: 'GroupSubject', id: 'YYYYYYYYYY@g.us' } as unknown as Array<{ subject: string; id: string }>;
  expect(toOutgoing('Check the last message here: @YYYYYYYYYY@g.us', { groupMentions: one }).options.groupMentions).toEqual([
    { subject: 'GroupSubject', id: 'YYYYYYYYYY@g.us' },
  ]);
  expect(toOutgoing('no mention', { groupMentions: [] }).options.groupMentions).toEqual([]);
  expect(toOutgoing('no mention', {}).options.groupMentions).toBeUndefined();
  const err = thrown(() => toOutgoing('bad', { groupMentions: [{ subject: 'x', id: '15550001111@c.us' }] }));
  expect(err).toBeInstanceOf(InvalidOptionError);
});
