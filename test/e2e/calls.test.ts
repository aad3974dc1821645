/**
 * Calls (the `call` event, `Call.reject()`, `createCallLink`): one scenario file, run with the unmodified
 * whatsapp-web.js (which proves the simulator: the offer reaches the page as it hears it, its reject stanza
 * reaches the caller's phone) and with waweb.
 */
import { LIBRARIES, useBothClients } from '../helpers/both-clients';
import { until } from '../helpers/until';

const env = useBothClients('waweb-calls-');

interface CallLike {
  id: string;
  from?: string;
  isVideo: boolean;
  isGroup: boolean;
  fromMe: boolean;
  participants: unknown;
  reject(): Promise<void>;
}
interface CallClient {
  on(event: 'call', listener: (call: CallLike) => void): unknown;
  createCallLink(startTime: Date, callType: string): Promise<string>;
}

describe.each(LIBRARIES)('%s', (library) => {
  const n = LIBRARIES.indexOf(library);
  const number = `1555000074${n}`;
  const contact = `1555777074${n}`;
  const third = `1555777075${n}`;

  test('a voice call from a contact arrives as `call`; reject() reaches the caller, whose phone sees it rejected', async () => {
    const client = await env.linked<CallClient>(library, number);
    const calls: CallLike[] = [];
    client.on('call', (c) => calls.push(c));
    const offered = env.sim.phone(number).receiveCall(contact);
    const call = await until(() => calls.find((c) => c.id === offered.id), 'the call event');
    expect(call).toMatchObject({ from: `${contact}@c.us`, isVideo: false, isGroup: false, fromMe: false });
    expect(env.sim.phone(contact).calls()).toMatchObject([{ id: offered.id, status: 'ringing' }]);

    await call.reject();
    const seen = await until(
      () =>
        env.sim
          .phone(contact)
          .calls()
          .find((c) => c.status === 'rejected'),
      'the rejected call on the phone',
    );
    expect(seen).toMatchObject({ id: offered.id, from: contact, to: number });
    expect(
      env.sim
        .phone(number)
        .devices()
        .map((d) => d.id),
    ).toContain(seen.rejectedBy);
  });

  test('a group video call names its participants; createCallLink answers a link of that type, which the phone lists', async () => {
    const client = await env.linked<CallClient>(library, number);
    const calls: CallLike[] = [];
    client.on('call', (c) => calls.push(c));
    const offered = env.sim.phone(number).receiveCall(contact, { video: true, group: [third] });
    const call = await until(() => calls.find((c) => c.id === offered.id), 'the group call event');
    expect(call).toMatchObject({ from: `${contact}@c.us`, isVideo: true, isGroup: true });
    expect(call.participants).toEqual([`${contact}@c.us`, `${number}@c.us`, `${third}@c.us`]);

    const start = new Date(Date.now() + 3_600_000);
    const link = await client.createCallLink(start, 'video');
    expect(link).toMatch(/^https:\/\/call\.whatsapp\.com\/video\/[A-Za-z0-9_-]+$/);
    expect(env.sim.phone(number).callLinks()).toContainEqual({ link, callType: 'video', startTime: Math.floor(start.getTime() / 1000) });
  });
});
