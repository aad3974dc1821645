/**
 * `GroupChat.addParticipants()` paces additions as whatsapp-web.js 1.34.7 does: its loop pauses
 * (`sleep`, 250–500 ms by default) only after a participant it sent an add for; one already in the group
 * (409) or not on WhatsApp (404) is passed over with `continue`, no pause. waweb paused after those too,
 * so example.js's `!addmembers` (three numbers not on WhatsApp) went on making page calls for up to a
 * second: long enough to meet the bot leaving the group (`!leave`), and its last call then failed with
 * the servers' 404 (the flaky `!leave` row of test/e2e/example-js.test.ts). And each of those calls
 * queried the group again, where whatsapp-web.js queries it (and checks admin rights) once per call: a
 * bot that left meanwhile is no member, and the servers answer a non-member's query with 404.
 */
import { addParticipants } from '../../src/client/model/group-admin';
import type { ModelClient } from '../../src/client/model/model-client';

type Entry = { code: number; skipped?: true };

/** A client whose page answers each one-participant `addParticipants` call with `answer(id)`. */
function clientAnswering(answer: (id: string) => Entry): { client: ModelClient; calls: string[] } {
  const calls: string[] = [];
  const page = {
    call: async (name: string, _groupId: string, ids: string[], checked?: boolean) => {
      calls.push(`${name} ${ids.join(',')}${checked ? ' (checked)' : ''}`);
      return Object.fromEntries(ids.map((id) => [id, answer(id)]));
    },
  };
  return { client: { readyPage: () => page } as unknown as ModelClient, calls };
}

const IDS = ['15550000001@c.us', '15550000002@c.us', '15550000003@c.us'];

describe('addParticipants pacing', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  test('passes over participants no add was sent for (not on WhatsApp, already members) without pausing', async () => {
    const { client, calls } = clientAnswering((id) => (id === IDS[1] ? { code: 409, skipped: true } : { code: 404, skipped: true }));
    let result: unknown;
    void addParticipants(client, '1203630000@g.us', IDS, {}).then((r) => (result = r));
    // No time passes: only the page calls' own promises settle.
    await jest.advanceTimersByTimeAsync(0);
    expect(calls).toHaveLength(3);
    expect(result).toEqual({
      [IDS[0]!]: { code: 404, message: 'The phone number is not registered on WhatsApp', isInviteV4Sent: false },
      [IDS[1]!]: { code: 409, message: 'The participant is already a group member', isInviteV4Sent: false },
      [IDS[2]!]: { code: 404, message: 'The phone number is not registered on WhatsApp', isInviteV4Sent: false },
    });
  });

  test('still pauses 250–500 ms after each add sent, except the last', async () => {
    const { client, calls } = clientAnswering(() => ({ code: 200 }));
    let done = false;
    void addParticipants(client, '1203630000@g.us', IDS, {}).then(() => (done = true));
    await jest.advanceTimersByTimeAsync(0);
    expect(calls).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(249);
    expect(calls).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(251);
    expect(calls).toHaveLength(2);
    await jest.advanceTimersByTimeAsync(500);
    expect(calls).toHaveLength(3);
    expect(done).toBe(true);
  });

  test('queries the group and checks admin rights once, as whatsapp-web.js: a leave meanwhile fails no later participant', async () => {
    jest.useRealTimers();
    let left = false;
    const calls: string[] = [];
    const page = {
      call: async (_name: string, _groupId: string, ids: string[], checked?: boolean) => {
        calls.push(checked ? 'add' : 'query and add');
        // The page queries the group unless an earlier call of this addition did: once the bot left, the
        // servers answer that query 404.
        if (!checked && left) throw new Error('page call failed: server status code 404');
        left = true;
        return Object.fromEntries(ids.map((id) => [id, { code: 404, skipped: true }]));
      },
    };
    const result = await addParticipants({ readyPage: () => page } as unknown as ModelClient, '1203630000@g.us', IDS, {});
    expect(calls).toEqual(['query and add', 'add', 'add']);
    expect(Object.keys(result as object)).toEqual(IDS);
  });
});
