/**
 * Issue 25, point 5: drift variants of the simulator's app reproduce WhatsApp Web changes of 2026, and
 * each test shows what waweb does on it: keeps working through its fallback, or fails the feature with
 * INCOMPATIBLE_WEB naming the member, never a raw error from inside the page. Where the change broke
 * whatsapp-web.js 1.34.7 in the field, an unmodified whatsapp-web.js on the same variant shows the
 * variant reproduces it.
 */
import { IncompatibleWebError, NoAuth, type WebContractReport } from '../../src/index';
import { ClientHarness } from '../helpers/client';
import { sentOnPhone, until, untilTrue } from '../helpers/until';
import { useSimulatorHarnesses } from '../helpers/use-simulator';
import { WwebjsHarness } from '../helpers/wwebjs';

const env = useSimulatorHarnesses('waweb-drift-', (sim, dir) => ({ h: new ClientHarness(sim, dir), w: new WwebjsHarness(sim, dir) }));

let normal: string;

beforeAll(() => {
  normal = env.sim.liveBuild;
});

afterEach(() => {
  env.sim.setLiveBuild(normal);
});

/** The warnings a client logs, for the ones a fallback leaves. */
function warningLogger(
  into: Array<Record<string, unknown>>,
): Record<'trace' | 'debug' | 'info' | 'warn' | 'error', (...args: unknown[]) => void> {
  const nothing = (): void => undefined;
  return {
    trace: nothing,
    debug: nothing,
    info: nothing,
    error: nothing,
    warn: (fields: unknown) => into.push(fields as Record<string, unknown>),
  };
}

function expectDrift(err: unknown, build: string, member: string, feature: string): void {
  expect(err).toBeInstanceOf(IncompatibleWebError);
  const incompatible = err as IncompatibleWebError;
  expect(incompatible.code).toBe('INCOMPATIBLE_WEB');
  expect(incompatible.build).toBe(build);
  const [module, ...path] = member.split('.');
  expect(incompatible.missing).toEqual([
    { module, member: path.join('.'), feature, expected: 'function', found: 'changed', detail: expect.stringMatching(/^TypeError: /) },
  ]);
  expect(incompatible.message).toContain(member);
}

test('a field sendSeen reads is gone (January 2026): waweb sends anyway and says so; sendSeen() names the member; whatsapp-web.js cannot send', async () => {
  const build = '2.3000.1026000001';
  env.sim.setLiveBuild(build, { breaks: ['sendSeen-missing-field'] });
  const number = '15553003001';
  const contact = '15557773001';
  const warnings: Array<Record<string, unknown>> = [];
  const c = env.h.create({ scanAs: number, options: { authStrategy: new NoAuth(), logger: warningLogger(warnings) } });
  await c.client.initialize();
  await c.until('ready');
  // Nothing is missing: the contract check cannot see this change.
  expect(c.count('web_contract')).toBe(0);

  const sent = await c.client.sendMessage(`${contact}@c.us`, 'still sending');
  expect(sent.body).toBe('still sending');
  expect(await sentOnPhone(env.sim.phone(number), (m) => m.id === sent.id.id, 'the text on the phone')).toMatchObject({
    to: `${contact}@c.us`,
    body: 'still sending',
  });
  expect(warnings).toEqual([
    expect.objectContaining({ event: 'send_seen_skipped', build, members: ['WAWebUpdateUnreadChatAction.sendSeen'] }),
  ]);
  expectDrift(await c.client.sendSeen(`${contact}@c.us`).catch((e: unknown) => e), build, 'WAWebUpdateUnreadChatAction.sendSeen', 'chats');
  expect(env.sim.phone(number).seenChats()).not.toContain(`${contact}@c.us`);
  await env.h.stopAll();

  // whatsapp-web.js 1.34.7 marks the chat seen before every send: on this build its sends fail, as they did.
  const wwebjsNumber = '15553003002';
  const t = env.w.start(env.w.noAuth(), {
    onQr: (qr) => {
      env.sim
        .phone(wwebjsNumber)
        .scan(qr)
        .catch((err: unknown) => console.error('scan failed', err));
    },
  });
  await t.next('ready');
  const client = t.client as unknown as { sendMessage(id: string, text: string): Promise<unknown> };
  await expect(client.sendMessage(`${contact}@c.us`, 'lost')).rejects.toThrow(/unreadMsgAnchor|reading 'id'/);
  expect(env.sim.phone(wwebjsNumber).sentMessages()).toEqual([]);
});

test('a module renamed (February 2026): messages still arrive and texts still go, without links; web_contract names the old module', async () => {
  const build = '2.3000.1026000002';
  env.sim.setLiveBuild(build, { renamed: { WALinkify: 'WAWebLinkify' } });
  const number = '15553003003';
  const contact = '15557773003';
  const reports: WebContractReport[] = [];
  const c = env.h.create({ scanAs: number, options: { authStrategy: new NoAuth() } });
  c.client.on('web_contract', (report) => reports.push(report));
  await c.client.initialize();
  await c.until('ready');
  expect(reports).toEqual([
    {
      build,
      missing: [
        { module: 'WALinkify', member: 'findLinks', feature: 'links', expected: 'function', found: 'missing' },
        { module: 'WALinkify', member: 'findLink', feature: 'links', expected: 'function', found: 'missing' },
      ],
    },
  ]);
  await env.sim.phone(number).receiveText(contact, 'see https://example.org/page');
  const [incoming] = await c.until('message');
  expect(incoming.body).toBe('see https://example.org/page');
  expect(incoming.links).toEqual([]);
  const sent = await c.client.sendMessage(`${contact}@c.us`, 'and https://example.org/other');
  expect(sent.body).toBe('and https://example.org/other');
  expect(await sentOnPhone(env.sim.phone(number), (m) => m.id === sent.id.id, 'the text on the phone')).toMatchObject({
    to: `${contact}@c.us`,
    body: 'and https://example.org/other',
  });
  await env.h.stopAll();

  // The same message on the normal build carries its link: the variant is what took it away.
  env.sim.setLiveBuild(normal);
  const d = env.h.create({ scanAs: '15553003004', options: { authStrategy: new NoAuth() } });
  await d.client.initialize();
  await d.until('ready');
  await env.sim.phone('15553003004').receiveText(contact, 'see https://example.org/page');
  const [control] = await d.until('message');
  expect(control.links).toEqual([{ link: 'https://example.org/page', isSuspicious: false }]);
});

test('a function takes other arguments (loadEarlierMsgs, 2026): fetchMessages() with a limit names the member; the rest works', async () => {
  const build = '2.3000.1026000003';
  env.sim.setLiveBuild(build, { breaks: ['loadEarlierMsgs-positional'] });
  const number = '15553003005';
  const contact = '15557773005';
  const c = env.h.create({ scanAs: number, options: { authStrategy: new NoAuth() } });
  await c.client.initialize();
  await c.until('ready');
  await env.sim.phone(number).receiveText(contact, 'one');
  const [incoming] = await c.until('message');
  const chat = await incoming.getChat();
  // Without a limit nothing earlier is loaded, so the changed function is not called.
  expect((await chat.fetchMessages({})).map((m) => m.body)).toEqual(['one']);
  expectDrift(await chat.fetchMessages({ limit: 10 }).catch((e: unknown) => e), build, 'WAWebChatLoadMessages.loadEarlierMsgs', 'chats');
  expect((await c.client.sendMessage(`${contact}@c.us`, 'two')).body).toBe('two');
});

test('message keys without _serialized: ids, replies and reactions still work, from the key fields', async () => {
  const build = '2.3000.1026000004';
  env.sim.setLiveBuild(build, { breaks: ['keys-without-serialized'] });
  const number = '15553003006';
  const contact = '15557773006';
  const c = env.h.create({ scanAs: number, options: { authStrategy: new NoAuth() } });
  await c.client.initialize();
  await c.until('ready');
  // The variant's keys lack it indeed.
  const keyHasSerialized = await c.client.pupPage!.evaluate(async () => {
    const load = (globalThis as unknown as { require: (name: string) => { new (fields: object): object } }).require;
    const Key = load('WAWebMsgKey');
    return '_serialized' in new Key({ fromMe: true, remote: '1@c.us', id: 'X' });
  });
  expect(keyHasSerialized).toBe(false);

  const wire = await env.sim.phone(number).receiveText(contact, 'ping');
  const [incoming] = await c.until('message');
  expect(incoming.id._serialized).toBe(`false_${contact}@c.us_${wire.id}`);
  const reply = await incoming.reply('pong');
  expect(reply.id._serialized).toMatch(new RegExp(`^true_${contact}@c\\.us_3EB0[0-9A-F]{16}$`));
  await incoming.react('👍');
  const phone = env.sim.phone(number);
  expect(await until(() => phone.sentMessages().find((m) => m.id === reply.id.id), 'the reply on the phone')).toMatchObject({
    body: 'pong',
    quotedId: wire.id,
  });
  // react() resolves once the app has it; the phone sees it when the servers pass it on.
  await untilTrue(() => phone.receivedMessages().find((m) => m.id === wire.id)?.reaction !== undefined, 'the reaction on the phone');
  expect(phone.receivedMessages().find((m) => m.id === wire.id)).toMatchObject({ reaction: '👍' });
});

test('the app reloads mid-run onto a build without a login member: error, then disconnected(INCOMPATIBLE_WEB); an optional one is announced again', async () => {
  const number = '15553003007';
  const c = env.h.create({ scanAs: number, options: { authStrategy: env.h.localAuth('reload') } });
  await c.client.initialize();
  await c.until('ready');
  expect(c.count('web_contract')).toBe(0);

  // A WhatsApp update lands while the client runs: the next document is a build without reactions.
  const optional = '2.3000.1026000005';
  env.sim.setLiveBuild(optional, { without: ['WAWebSendReactionMsgAction'] });
  await c.client.pupPage!.reload();
  const [report] = await c.until('web_contract');
  expect(report).toEqual({
    build: optional,
    missing: [
      { module: 'WAWebSendReactionMsgAction', member: 'sendReactionToMsg', feature: 'reactions', expected: 'function', found: 'missing' },
    ],
  });
  expect(c.count('disconnected')).toBe(0);

  // The next one lacks a login member: the client stops, saying why.
  const broken = '2.3000.1026000006';
  env.sim.setLiveBuild(broken, { without: ['WAWebUserPrefsMultiDevice.getADVSecretKey'] });
  await c.client.pupPage!.reload();
  const [reason] = await c.until('disconnected');
  expect(reason).toBe('INCOMPATIBLE_WEB');
  const errors = c.args('error').map(([err]) => err);
  expect(errors).toEqual([expect.any(IncompatibleWebError)]);
  expect(errors[0]).toMatchObject({ code: 'INCOMPATIBLE_WEB', build: broken });
  expect(await env.h.waitForNoBrowser()).toEqual([]);
});
