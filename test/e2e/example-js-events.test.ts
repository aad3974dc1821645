/**
 * Issue 27, acceptance: whatsapp-web.js's own example.js, its text unchanged, run with the unmodified
 * whatsapp-web.js 1.34.7 and with waweb (the import swapped by test/fixtures/example-js/preload.js), over
 * named start scenarios, while the simulator's phones cause every event example.js subscribes to:
 *
 * - **QR start**: a fresh folder; the phone scans the printed QR. The phones then cause the message,
 *   group, call, poll and contact events.
 * - **restored start**: the same LocalAuth folder again, with messages waiting for the device: no QR.
 * - **rejected session**: the phone unlinked the device while the bot was down, so the stored session is
 *   refused at the next start; then, linked anew, the phone unlinks it while it runs.
 * - **pairing-code start**: the preload sets `pairWithPhoneNumber` (the option example.js shows commented
 *   out); the phone enters the printed code.
 *
 * Each listener example.js registers prints `EXAMPLE-EVENT <name>` as it is called (the preload's tap,
 * `EXAMPLE_EVENT_TAP`), so every one of the 23 subscriptions is seen firing, those whose handler prints
 * nothing included; where the handler prints a line of its own, that line is checked too. The
 * whatsapp-web.js runs prove the simulator causes each event; the waweb runs must show the same events.
 */
import path from 'node:path';
import { readFile, writeFile } from 'node:fs/promises';
import type { SimulatedPhone } from '../../src/simulator';
import { LIBRARIES } from '../helpers/both-clients';
import { botAccount, useBots, type Library } from '../helpers/bots';
import { EXAMPLE_JS, ExampleProcess, exampleSource } from '../helpers/example-js';
import { until, untilTrue } from '../helpers/until';

const ALICE = '15557791001';
const BOB = '15557791002';
const CAROL = '15557791003';
const DAVE = '15557791004';
const BOB_NEW = '15557791009';

type Scenario = 'QR start' | 'restored start' | 'rejected session' | 'pairing-code start';
const SCENARIOS: Scenario[] = ['QR start', 'restored start', 'rejected session', 'pairing-code start'];

interface Subscription {
  /** The event example.js subscribes to. */
  event: string;
  /** The scenario whose run causes it. */
  scenario: Scenario;
  /** The line example.js's handler prints when it runs, where it prints one of its own. */
  prints?: RegExp;
  /** Never fires with these packages in the scenario, and the real reason why. */
  absent?: { in: Library[]; why: string };
}

/** example.js's 23 subscriptions, in the order it registers them, and where each is caused. */
const SUBSCRIPTIONS: Subscription[] = [
  // The app reconnecting after the dropped connection shows its offline progress. (At the restored start
  // the progress comes before whatsapp-web.js attaches its listener, at the end of its start; waweb reports it.)
  { event: 'loading_screen', scenario: 'QR start', prints: /^LOADING SCREEN \d+ WhatsApp$/m },
  { event: 'qr', scenario: 'QR start', prints: /^QR RECEIVED \S+/m },
  { event: 'code', scenario: 'pairing-code start', prints: /^Pairing code: \S+/m },
  { event: 'authenticated', scenario: 'restored start', prints: /^AUTHENTICATED$/m },
  {
    event: 'auth_failure',
    scenario: 'rejected session',
    prints: /^AUTHENTICATION FAILURE /m,
    absent: {
      in: ['whatsapp-web.js'],
      why:
        "whatsapp-web.js 1.34.7 emits it only when the strategy's onAuthenticationNeeded() reports a failure, and " +
        "LocalAuth (example.js's) inherits BaseAuthStrategy's `failed: false`: a refused session just shows a QR. " +
        'waweb emits it first (SESSION_REJECTED, docs/client.md), then the same QR',
    },
  },
  { event: 'ready', scenario: 'restored start', prints: /^READY$/m },
  { event: 'message', scenario: 'QR start', prints: /^MESSAGE RECEIVED/m },
  { event: 'message_create', scenario: 'QR start' },
  { event: 'message_ciphertext', scenario: 'QR start' },
  { event: 'message_revoke_everyone', scenario: 'QR start' },
  // The phone deletes a message for itself; its linked devices drop it too (app state sync).
  { event: 'message_revoke_me', scenario: 'QR start', prints: /^deleted for me$/m },
  { event: 'message_ack', scenario: 'QR start' },
  { event: 'group_join', scenario: 'QR start', prints: /^join /m },
  { event: 'group_leave', scenario: 'QR start', prints: /^leave /m },
  { event: 'group_update', scenario: 'QR start', prints: /^update /m },
  // The dropped connection: TIMEOUT, OPENING, CONNECTED.
  { event: 'change_state', scenario: 'QR start', prints: /^CHANGE STATE TIMEOUT$/m },
  { event: 'call', scenario: 'QR start', prints: /^Call received, rejecting/m },
  // The phone unlinks the running device.
  { event: 'disconnected', scenario: 'rejected session', prints: /^Client was logged out LOGOUT$/m },
  // Its handler prints nothing with whatsapp-web.js: it throws on the ids whatsapp-web.js passes (wid objects).
  { event: 'contact_changed', scenario: 'restored start' },
  { event: 'group_admin_changed', scenario: 'QR start', prints: /^You were promoted by /m },
  { event: 'group_membership_request', scenario: 'pairing-code start' },
  { event: 'message_reaction', scenario: 'QR start', prints: /^REACTION RECEIVED/m },
  { event: 'vote_update', scenario: 'QR start' },
];

/** How each scenario starts and ends: the session events its run shows with whatsapp-web.js, in the order seen. */
const SESSION_EVENTS = ['qr', 'code', 'auth_failure', 'authenticated', 'ready', 'disconnected'];
const STARTS: Record<Scenario, string[]> = {
  'QR start': ['qr', 'authenticated', 'ready'],
  'restored start': ['authenticated', 'ready'],
  'rejected session': ['qr', 'authenticated', 'ready', 'disconnected'],
  'pairing-code start': ['code', 'authenticated', 'ready'],
};

const TAP = { EXAMPLE_EVENT_TAP: '1' };
/** The events whose listeners ran, in the order they first did. */
const fired = (output: string): Set<string> => new Set([...output.matchAll(/^EXAMPLE-EVENT (\w+)$/gm)].map((m) => m[1]!));

const env = useBots('waweb-example-events-');

/** Per package: the events each scenario's run showed, and what the processes printed. */
const seen = new Map<Library, { events: Map<Scenario, Set<string>>; output: Map<Scenario, string> }>();

/** Waits until the process printed that `event`'s listener ran. */
function firedIn(proc: ExampleProcess, event: string, timeoutMs = 15_000): Promise<void> {
  return untilTrue(() => fired(proc.output()).has(event), `${proc.library}: example.js's '${event}' listener`, timeoutMs);
}

/** The device the phone linked last (the run's). */
function lastDevice(phone: SimulatedPhone): string {
  const devices = phone.devices();
  return devices[devices.length - 1]!.id;
}

async function scenarios(library: Library, bot: string, pairBot: string): Promise<void> {
  const source = await exampleSource();
  const phone = await botAccount(env.sim, bot, { pushname: 'Example Bot' }, { [ALICE]: 'Alice', [BOB]: 'Bob', [CAROL]: 'Carol' });
  const events = new Map<Scenario, Set<string>>();
  const output = new Map<Scenario, string>();
  const record = (scenario: Scenario, proc: ExampleProcess): void => {
    events.set(scenario, fired(proc.output()));
    output.set(scenario, proc.output());
  };
  const folder = path.join(env.work.path, library);
  const offline = (device: string): Promise<void> =>
    untilTrue(() => phone.devices().find((d) => d.id === device)?.online === false, `${library}: device ${device} offline`, 20_000);

  // QR start: a fresh folder, the phone scans the QR; then the phones cause the message, poll, call and group events.
  const qr = new ExampleProcess(env.bots, library, bot, folder, source);
  await qr.start(TAP);
  const ping = await phone.receiveText(ALICE, '!ping');
  const pong = await until(() => phone.sentMessages().find((m) => m.body === 'pong'), `${library}: the pong`);
  await firedIn(qr, 'message_create');
  await phone.receiveText(ALICE, 'sealed', { ciphertext: true, decryptAfterMs: 200 });
  await firedIn(qr, 'message_ciphertext');
  await phone.markRead(pong.id);
  await firedIn(qr, 'message_ack');
  await phone.react(pong.id, '👍');
  await firedIn(qr, 'message_reaction');
  await phone.revoke(ping.id);
  await firedIn(qr, 'message_revoke_everyone');
  const mine = await phone.receiveText(ALICE, 'deleted for me');
  await untilTrue(() => qr.output().includes("body: 'deleted for me'"), `${library}: the message to delete`);
  await phone.deleteForMe(mine.id);
  await firedIn(qr, 'message_revoke_me');
  const poll = await phone.receivePoll(ALICE, 'Lunch?', ['Pizza', 'Salad']);
  await phone.votePoll(poll.id, ['Salad']);
  await firedIn(qr, 'vote_update');
  phone.receiveCall(ALICE);
  await firedIn(qr, 'call');
  const group = (await phone.createGroup('Events group', [ALICE])).id;
  await phone.changeGroup(group, 'add', CAROL);
  await firedIn(qr, 'group_join');
  await phone.changeGroup(group, 'remove', CAROL);
  await firedIn(qr, 'group_leave');
  await phone.setGroupSubject(group, 'Renamed');
  await firedIn(qr, 'group_update');
  await phone.changeGroup(group, 'promote', ALICE);
  await firedIn(qr, 'group_admin_changed');
  // The connection drops, messages wait for the device; it reconnects on its own: the app's state changes, and
  // it shows the offline progress.
  const device = lastDevice(phone);
  env.sim.dropConnections(bot);
  await phone.queueOfflineMessages(device, 3);
  await firedIn(qr, 'change_state');
  await firedIn(qr, 'loading_screen');
  // Ctrl-C kills Chromium at once: the next run restores only a login already on disk.
  await untilTrue(() => qr.hasSavedLogin(device), `${library}: the login on disk`, 30_000);
  await qr.stop();
  record('QR start', qr);

  // Restored start: the same folder; no QR.
  await offline(device);
  const restored = new ExampleProcess(env.bots, library, bot, folder, source);
  await restored.start(TAP);
  // Bob changes his number. example.js's handler throws (whatsapp-web.js passes the ids as wid objects, the
  // handler calls `oldId.slice`): whatsapp-web.js's process dies of it, so this comes last in the run.
  await phone.receiveText(BOB, 'a new number soon');
  await phone.contactChangesNumber(BOB, BOB_NEW);
  await firedIn(restored, 'contact_changed');
  await restored.stop();
  record('restored start', restored);

  // Rejected session: unlinked on the phone while the bot was down, the stored session is refused (a QR,
  // which the phone scans); then the phone unlinks the running device.
  await offline(device);
  await phone.unlink(device);
  const rejected = new ExampleProcess(env.bots, library, bot, folder, source);
  await rejected.start(TAP);
  await phone.unlink(lastDevice(phone));
  await firedIn(rejected, 'disconnected');
  await rejected.stop();
  record('rejected session', rejected);

  // Pairing-code start: another account, a fresh folder, the code entered on its phone. Then Dave asks to
  // join its group: example.js's handler throws (it calls `approveGroupMembershipRequestss`, sic), which ends
  // whatsapp-web.js's process.
  const pairPhone = env.sim.phone(pairBot, { pushname: 'Paired Bot' });
  const paired = new ExampleProcess(env.bots, library, pairBot, path.join(env.work.path, `${library}-paired`), source);
  await paired.start({ ...TAP, EXAMPLE_PAIR_WITH: pairBot });
  const asked = (await pairPhone.createGroup('Approval group', [ALICE], { membershipApproval: true })).id;
  await env.sim.phone(DAVE).joinGroupByCode(await pairPhone.groupInviteCode(asked));
  await firedIn(paired, 'group_membership_request');
  await paired.stop();
  record('pairing-code start', paired);

  seen.set(library, { events, output });
}

test('the table lists example.js’s 23 subscriptions, in its order', async () => {
  const text = await readFile(EXAMPLE_JS, 'utf8');
  const subscribed = [...text.matchAll(/client\.on\('(\w+)'/g)].map((m) => m[1]!);
  expect(subscribed).toHaveLength(23);
  expect(SUBSCRIPTIONS.map((s) => s.event)).toEqual(subscribed);
});

describe.each(LIBRARIES)('example.js with %s', (library) => {
  test('every subscription fires over the named start scenarios', async () => {
    const [bot, pairBot] = library === 'whatsapp-web.js' ? ['15556000601', '15556000611'] : ['15556000602', '15556000612'];
    await scenarios(library, bot, pairBot);
    const { events, output } = seen.get(library)!;
    const logs = process.env['EXAMPLE_EVENT_LOGS'];
    if (logs) for (const s of SCENARIOS) await writeFile(`${logs}.${library}.${s.replace(/\W+/g, '-')}.log`, output.get(s) ?? '');
    // Each subscription fired in its scenario (its handler's own line printed too), or is absent for its reason.
    const missing: string[] = [];
    for (const sub of SUBSCRIPTIONS) {
      const there = events.get(sub.scenario)!.has(sub.event);
      const expected = !sub.absent?.in.includes(library);
      if (there !== expected) missing.push(`${sub.event} (${sub.scenario}): ${there ? 'fired' : 'did not fire'}`);
      else if (there && sub.prints && !sub.prints.test(output.get(sub.scenario)!)) missing.push(`${sub.event}: no ${String(sub.prints)}`);
    }
    expect(missing).toEqual([]);
    // How each scenario started and ended, as whatsapp-web.js shows it (waweb's auth_failure as listed above).
    for (const s of SCENARIOS) {
      const extra = SUBSCRIPTIONS.filter((x) => x.scenario === s && x.absent && !x.absent.in.includes(library)).map((x) => x.event);
      const shown = [...events.get(s)!].filter((e) => SESSION_EVENTS.includes(e));
      expect({ scenario: s, events: shown.sort() }).toEqual({ scenario: s, events: [...STARTS[s], ...extra].sort() });
    }
  }, 200_000);
});

test('both packages showed the same events in each scenario', () => {
  const [original, swapped] = LIBRARIES.map((l) => seen.get(l));
  if (!original || !swapped) throw new Error('a run above failed');
  // Per scenario, the events the table causes there and the session events; what else a run shows depends on
  // when a package attaches its listeners (waweb's before ready, whatsapp-web.js's at the end of its start).
  const differs = new Set(SUBSCRIPTIONS.filter((x) => x.absent && x.absent.in.length === 1).map((x) => `${x.scenario}: ${x.event}`));
  const compared = (events: Map<Scenario, Set<string>>): string[] =>
    SCENARIOS.flatMap((s) =>
      [...events.get(s)!]
        .filter((e) => SESSION_EVENTS.includes(e) || SUBSCRIPTIONS.some((x) => x.event === e && x.scenario === s))
        .map((e) => `${s}: ${e}`),
    )
      .filter((e) => !differs.has(e))
      .sort();
  expect(compared(swapped.events)).toEqual(compared(original.events));
});
