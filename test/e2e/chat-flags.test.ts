/**
 * Issue 26, the last chat and message fields: `Chat.isLocked` (a chat the phone locked), `Chat.isReadOnly`
 * (a group where only admins send, whatsapp-web.js's reading of `groupMetadata.announce`) and
 * `Message.rawData`. One scenario, run with the unmodified whatsapp-web.js (which proves the simulator's
 * chat model) and with waweb.
 */
import { LIBRARIES, useBothClients } from '../helpers/both-clients';
import { until } from '../helpers/until';

const env = useBothClients('waweb-chat-flags-');

interface FlagsChat {
  isLocked: boolean;
  isReadOnly: boolean;
  fetchMessages(options: { limit?: number }): Promise<Array<{ body: string; rawData: object }>>;
}
interface FlagsClient {
  getChatById(id: string): Promise<FlagsChat>;
}

describe.each(LIBRARIES)('%s', (library) => {
  const n = LIBRARIES.indexOf(library);
  const number = `1555000071${n}`;
  const admin = `1555777071${n}`;
  const chatId = `1555777072${n}@c.us`;

  test('a chat the phone locks reads isLocked (at link and live); a group where only admins send reads isReadOnly; rawData carries the message', async () => {
    const phone = env.sim.phone(number);
    await phone.addHistory(chatId, 'hello');
    await phone.lockChat(chatId);
    const adminPhone = env.sim.phone(admin);
    const announce = await adminPhone.createGroup('Announcements', [number], { announce: true });
    const open = await adminPhone.createGroup('Open talk', [number]);

    const client = await env.linked<FlagsClient>(library, number);
    const flags = async (id: string): Promise<Pick<FlagsChat, 'isLocked' | 'isReadOnly'>> => {
      const chat = await client.getChatById(id);
      return { isLocked: chat.isLocked, isReadOnly: chat.isReadOnly };
    };
    expect(await flags(chatId)).toEqual({ isLocked: true, isReadOnly: false });
    expect(await flags(announce.id)).toEqual({ isLocked: false, isReadOnly: true });
    expect(await flags(open.id)).toEqual({ isLocked: false, isReadOnly: false });

    await phone.lockChat(chatId, false);
    await until(async () => ((await flags(chatId)).isLocked ? undefined : true), 'the unlock on the device');
    await adminPhone.setGroupSetting(announce.id, 'messagesAdminsOnly', false);
    await until(async () => ((await flags(announce.id)).isReadOnly ? undefined : true), 'the group open to all senders');
    await adminPhone.setGroupSetting(open.id, 'messagesAdminsOnly', true);
    await until(async () => ((await flags(open.id)).isReadOnly ? true : undefined), 'the group closed to members');

    const [message] = await (await client.getChatById(chatId)).fetchMessages({ limit: 1 });
    expect(message?.body).toBe('hello');
    expect(message?.rawData).toMatchObject({ body: 'hello' });
  });
});
