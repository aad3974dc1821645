/**
 * Issue 9, acceptance 6: commands of whatsapp-web.js's own `example.js` bot, run by the unmodified
 * whatsapp-web.js 1.34.7 on the simulator. The bot below answers each command the way example.js
 * documents it (written here, not copied: example.js starts its own browser); the phone checks what
 * a person would see. Covered, by name:
 *   !ping reply, !ping, !sendto, !echo, !preview, !groupinfo, !chats, !info, !mediainfo, !quoteinfo,
 *   !resendmedia, !status, !delete, !pin, !archive, !mute, !typing, !recording, !clearstate,
 *   !reaction, !edit, !mentionUsers
 */
import { useSimulatorHarnesses } from '../helpers/use-simulator';
import { WwebjsHarness } from '../helpers/wwebjs';

const env = useSimulatorHarnesses(undefined, (sim, dir) => ({ harness: new WwebjsHarness(sim, dir) }));

// whatsapp-web.js's objects, used as loosely as its own example uses them (tests allow `any`).
type Msg = any;
type WClient = any;

/** The example bot's answers, command by command. */
async function exampleBot(client: WClient, msg: Msg): Promise<void> {
  const body: string = msg.body;
  if (body === '!ping reply') await msg.reply('pong');
  else if (body === '!ping') await client.sendMessage(msg.from, 'pong');
  else if (body.startsWith('!sendto ')) {
    const [, target = '', ...words] = body.split(' ');
    const chat = await msg.getChat();
    await chat.sendSeen();
    await client.sendMessage(target.includes('@') ? target : `${target}@c.us`, words.join(' '));
  } else if (body.startsWith('!echo ')) await msg.reply(body.slice('!echo '.length));
  else if (body.startsWith('!preview ')) await msg.reply(body.slice('!preview '.length), null, { linkPreview: true });
  else if (body === '!groupinfo') {
    const chat = await msg.getChat();
    if (!chat.isGroup) await msg.reply('This command can only be used in a group!');
    else
      await msg.reply(
        `Group: ${chat.name} | Description: ${chat.description} | Created by: ${chat.owner.user} | Members: ${chat.participants.length}`,
      );
  } else if (body === '!chats') {
    const chats = await client.getChats();
    await client.sendMessage(msg.from, `The bot has ${chats.length} chats open.`);
  } else if (body === '!info') {
    const { pushname, wid, platform } = client.info;
    await client.sendMessage(msg.from, `User name: ${pushname} | My number: ${wid.user} | Platform: ${platform}`);
  } else if (body === '!mediainfo' && msg.hasMedia) {
    const media = await msg.downloadMedia();
    await msg.reply(`MimeType: ${media.mimetype} | Filename: ${media.filename} | Data (length): ${media.data.length}`);
  } else if (body === '!quoteinfo' && msg.hasQuotedMsg) {
    const quoted = await msg.getQuotedMessage();
    await quoted.reply(`ID: ${quoted.id._serialized} | Type: ${quoted.type} | Has Media? ${quoted.hasMedia}`);
  } else if (body === '!resendmedia' && msg.hasQuotedMsg) {
    const quoted = await msg.getQuotedMessage();
    if (quoted.hasMedia) await client.sendMessage(msg.from, await quoted.downloadMedia(), { caption: "Here's your requested media." });
  } else if (body.startsWith('!status ')) {
    const status = body.split(' ')[1];
    await client.setStatus(status);
    await msg.reply(`Status was updated to *${status}*`);
  } else if (body === '!delete' && msg.hasQuotedMsg) {
    const quoted = await msg.getQuotedMessage();
    if (quoted.fromMe) await quoted.delete(true);
    else await msg.reply('I can only delete my own messages');
  } else if (body === '!pin') await (await msg.getChat()).pin();
  else if (body === '!archive') await (await msg.getChat()).archive();
  else if (body === '!mute') {
    const until = new Date();
    until.setSeconds(until.getSeconds() + 20);
    await (await msg.getChat()).mute(until);
  } else if (body === '!typing') await (await msg.getChat()).sendStateTyping();
  else if (body === '!recording') await (await msg.getChat()).sendStateRecording();
  else if (body === '!clearstate') await (await msg.getChat()).clearState();
  else if (body === '!reaction') await msg.react('👍');
  else if (body === '!edit' && msg.hasQuotedMsg) {
    const quoted = await msg.getQuotedMessage();
    if (quoted.fromMe) await quoted.edit(msg.body.replace('!edit', '') + 'edited');
  } else if (body === '!mentionUsers') {
    const chat = await msg.getChat();
    const contact = await msg.getContact();
    await chat.sendMessage(`Hi @${contact.id.user}`, { mentions: [contact.id._serialized] });
  }
}

/** Test-side polling for outcomes no event of the phone API announces. */
async function until<T>(what: () => T | undefined | Promise<T | undefined>, label: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await what();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${label} did not happen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

test('22 commands of example.js behave as documented', async () => {
  const number = '15550000201';
  const user = '15557770201';
  const other = '15557770202';
  const phone = env.sim.phone(number, { pushname: 'Example Bot' });
  await env.sim.registerNumber(other);
  const scan = (qr: string): void => {
    phone.scan(qr).catch((err: unknown) => console.error('scan failed', err));
  };
  const t = env.harness.start(env.harness.noAuth(), { onQr: scan });
  const client = t.client as WClient;
  const botErrors: unknown[] = [];
  client.on('message', (msg: Msg) => {
    exampleBot(client, msg).catch((err: unknown) => botErrors.push(err));
  });
  await t.next('ready');
  const chatId = `${user}@c.us`;
  const sentCount = (): number => phone.sentMessages().length;
  /** The user sends a command; resolves with what the bot sent afterwards (once it sent `expect` messages). */
  const command = async (text: string, expectSent: number, options: { quotedId?: string } = {}) => {
    const before = sentCount();
    const msg = await phone.receiveText(user, text, options);
    await until(() => (sentCount() >= before + expectSent ? true : undefined), `${text}: ${expectSent} answer(s)`);
    return { msg, answers: phone.sentMessages().slice(before) };
  };

  // !ping reply: a reply quoting the command. !ping: a plain message to the same chat.
  const pingReply = await command('!ping reply', 1);
  expect(pingReply.answers[0]).toMatchObject({ chatId, body: 'pong', quotedId: pingReply.msg.id });
  const ping = await command('!ping', 1);
  expect(ping.answers[0]).toMatchObject({ chatId, body: 'pong' });
  expect(ping.answers[0]!.quotedId).toBeUndefined();

  // !sendto: the text goes to the named number, and the command's chat is marked read.
  const sendto = await command(`!sendto ${other} hello there`, 1);
  expect(sendto.answers[0]).toMatchObject({ chatId: `${other}@c.us`, body: 'hello there' });
  expect(phone.seenChats()).toContain(chatId);

  // !echo, !preview: the text back, as a reply.
  expect((await command('!echo say it again', 1)).answers[0]).toMatchObject({ body: 'say it again' });
  expect((await command('!preview see https://example.org/page', 1)).answers[0]).toMatchObject({ body: 'see https://example.org/page' });

  // !chats and !info: facts about the bot.
  expect((await command('!chats', 1)).answers[0]!.body).toMatch(/^The bot has [2-9] chats open\.$/);
  expect((await command('!info', 1)).answers[0]!.body).toBe(`User name: Example Bot | My number: ${number} | Platform: android`);

  // !groupinfo: outside a group it says so; inside, the group's details.
  expect((await command('!groupinfo', 1)).answers[0]!.body).toBe('This command can only be used in a group!');
  const group = await phone.createGroup('Example group', [user]);
  const before = sentCount();
  await phone.receiveGroupText(group.id, user, '!groupinfo');
  await until(() => (sentCount() > before ? true : undefined), '!groupinfo in the group');
  expect(phone.sentMessages().at(-1)).toMatchObject({
    chatId: group.id,
    body: `Group: Example group | Description:  | Created by: ${number} | Members: 2`,
  });

  // !mediainfo on an image with that caption; !resendmedia quoting it sends the bytes back.
  const photo = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==', 'base64');
  const mediaBefore = sentCount();
  const image = await phone.receiveMedia(user, { data: photo, mimetype: 'image/png', filename: 'dot.png', caption: '!mediainfo' });
  await until(() => (sentCount() > mediaBefore ? true : undefined), '!mediainfo');
  expect(phone.sentMessages().at(-1)!.body).toBe(
    `MimeType: image/png | Filename: dot.png | Data (length): ${photo.toString('base64').length}`,
  );
  const resend = await command('!resendmedia', 1, { quotedId: image.id });
  expect(phone.sentMedia(resend.answers[0]!.id)).toMatchObject({ mimetype: 'image/png', caption: "Here's your requested media." });
  expect(phone.sentMedia(resend.answers[0]!.id).data.equals(photo)).toBe(true);

  // !quoteinfo: the bot replies to the quoted message with its facts.
  const quoteinfo = await command('!quoteinfo', 1, { quotedId: ping.answers[0]!.id });
  expect(quoteinfo.answers[0]).toMatchObject({ quotedId: ping.answers[0]!.id });
  expect(quoteinfo.answers[0]!.body).toBe(`ID: true_${chatId}_${ping.answers[0]!.id} | Type: chat | Has Media? false`);

  // !status: the about text is set, and confirmed.
  expect((await command('!status busy', 1)).answers[0]!.body).toBe('Status was updated to *busy*');
  expect(phone.status()).toBe('busy');

  // !delete quoting a message of the bot's: deleted for everyone; !edit quoting one: edited.
  await command('!delete', 0, { quotedId: ping.answers[0]!.id });
  await until(() => (phone.sentMessages().find((m) => m.id === ping.answers[0]!.id)?.type === 'revoked' ? true : undefined), '!delete');
  await command('!edit', 0, { quotedId: pingReply.answers[0]!.id });
  await until(
    () => (phone.sentMessages().find((m) => m.id === pingReply.answers[0]!.id)?.edited ? true : undefined),
    `!edit ${String(botErrors)}`,
  );
  expect(phone.sentMessages().find((m) => m.id === pingReply.answers[0]!.id)!.body).toBe('edited');

  // !typing, !recording, !clearstate: the chat state the user's phone sees.
  await command('!typing', 0);
  await until(() => (phone.chatState(user) === 'composing' ? true : undefined), '!typing');
  await command('!recording', 0);
  await until(() => (phone.chatState(user) === 'recording' ? true : undefined), '!recording');
  await command('!clearstate', 0);
  await until(() => (phone.chatState(user) === 'paused' ? true : undefined), '!clearstate');

  // !reaction: a 👍 on the command itself.
  const reaction = await command('!reaction', 0);
  await until(() => (phone.receivedMessages().find((m) => m.id === reaction.msg.id)?.reaction === '👍' ? true : undefined), '!reaction');

  // !mentionUsers: a greeting that mentions the sender.
  expect((await command('!mentionUsers', 1)).answers[0]!.body).toBe(`Hi @${user}`);

  // !pin, !archive, !mute: the chat's state as the bot's own client reports it.
  await command('!pin', 0);
  await until(async () => ((await client.getChatById(chatId)).pinned ? true : undefined), '!pin');
  await command('!mute', 0);
  await until(async () => ((await client.getChatById(chatId)).isMuted ? true : undefined), '!mute');
  await command('!archive', 0);
  await until(async () => ((await client.getChatById(chatId)).archived ? true : undefined), '!archive');

  expect(botErrors).toEqual([]);
}, 120_000);
