/**
 * Group mentions (`groupMentions` sent and received, `Message.getGroupMentions()`): one scenario, run with the
 * unmodified whatsapp-web.js (which proves the simulator carries them, both ways) and with waweb.
 */
import { LIBRARIES, useBothClients } from '../helpers/both-clients';
import { until } from '../helpers/until';

const env = useBothClients('waweb-group-mentions-');

interface MentionMessage {
  body: string;
  groupMentions: Array<{ groupSubject: string }>;
  getGroupMentions(): Promise<Array<{ id: { _serialized: string }; name: string }>>;
}
interface MentionClient {
  on(event: 'message', listener: (message: MentionMessage) => void): unknown;
  sendMessage(chatId: string, content: string, options: { groupMentions: Array<{ subject: string; id: string }> }): Promise<unknown>;
}

describe.each(LIBRARIES)('%s', (library) => {
  const n = LIBRARIES.indexOf(library);
  const number = `1555000073${n}`;
  const contact = `1555777073${n}`;

  test('a mention of a group the bot is in arrives with its subject and opens as the group; one the bot sends reaches the phone', async () => {
    const group = await env.sim.phone(contact).createGroup('Team room', [number]);
    const client = await env.linked<MentionClient>(library, number);
    const got: MentionMessage[] = [];
    client.on('message', (m) => got.push(m));
    const phone = env.sim.phone(number);
    await phone.receiveText(contact, `see @${group.id}`, { groupMentions: [{ subject: 'The team', id: group.id }] });
    const message = await until(() => got.find((m) => m.body === `see @${group.id}`), 'the message');
    expect(message.groupMentions.map((g) => g.groupSubject)).toEqual(['The team']);
    expect((await message.getGroupMentions()).map((c) => [c.id._serialized, c.name])).toEqual([[group.id, 'Team room']]);

    await client.sendMessage(`${contact}@c.us`, `over to @${group.id}`, { groupMentions: [{ subject: 'Over there', id: group.id }] });
    expect(
      await until(() => phone.sentMessages().find((m) => m.body === `over to @${group.id}`), 'the mention on the phone'),
    ).toMatchObject({
      groupMentions: [{ groupJid: group.id, groupSubject: 'Over there' }],
    });
  });
});
