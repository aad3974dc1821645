/**
 * Issue 22, point 5: WhatsApp Web reloads its own page (scheduled reloads for updates). The simulator's
 * reload is the app's own (the page calls `location.reload()` on the server's word, then logs in again
 * with its stored session). A `ready` client keeps working through it: no `disconnected`, no second
 * `ready` or `authenticated`, a message sent during the reload arrives after it, backups go on; only a
 * reload that lands on a QR (the session was unlinked meanwhile) is a new login. The unmodified
 * whatsapp-web.js 1.34.7 survives the same reload, which shows it is one real clients handle.
 */
import { join } from 'node:path';
import { FileStore, type Client, type Message } from '../../src/index';
import type { LinkedDevice, WhatsAppSimulator } from '../../src/simulator';
import { ClientHarness } from '../helpers/client';
import { untilTrue } from '../helpers/until';
import { RemoteHarness } from '../helpers/remote-auth';
import { useSimulatorHarnesses } from '../helpers/use-simulator';
import { WwebjsHarness } from '../helpers/wwebjs';

// One folder per harness: each one's teardown counts every browser under its folder as its own.
const env = useSimulatorHarnesses('waweb-page-reload-', (sim, dir) => ({
  remote: new RemoteHarness(sim, join(dir, 'remote')),
  local: new ClientHarness(sim, join(dir, 'local')),
  wwebjs: new WwebjsHarness(sim, join(dir, 'wwebjs')),
}));

const CONTACT = '15557770501';
const WAIT_MS = 30_000;

/** Resolves once a client has emitted `message` with this body; listens from this call on. */
function messageArriving(client: { on(event: 'message', fn: (message: Message) => void): unknown }, body: string): Promise<Message> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no message '${body}' within ${WAIT_MS} ms`)), WAIT_MS);
    client.on('message', (message) => {
      if (message.body !== body) return;
      clearTimeout(timer);
      resolve(message);
    });
  });
}

/** Resolves once the simulator has logged a device of `number` in again (the reloaded page). */
function nextLogin(sim: WhatsAppSimulator, number: string): Promise<LinkedDevice> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no login of ${number} within ${WAIT_MS} ms`)), WAIT_MS);
    const onLogin = (device: LinkedDevice): void => {
      if (device.phone !== number) return;
      clearTimeout(timer);
      sim.off('login', onLogin);
      resolve(device);
    };
    sim.on('login', onLogin);
  });
}

test('waweb (RemoteAuth) through the app reloading itself: no disconnected, no second ready, a message sent during the reload arrives after it, a backup after it is stored', async () => {
  const number = '15553000501';
  const phone = env.sim.phone(number);
  const store = new FileStore({ directory: join(env.work.path, 'store') });
  const t = await env.remote.ready({ store, backupSyncIntervalMs: 3_600_000 }, number);
  const client: Client = t.client;
  const before = messageArriving(client, 'before the reload');
  await phone.receiveText(CONTACT, 'before the reload');
  await before;

  const qrs = t.count('qr');
  const login = nextLogin(env.sim, number);
  const during = messageArriving(client, 'during the reload');
  expect(env.sim.reloadPages(number)).toBe(1);
  // Sent while the page is going away: it waits on the servers for the device's next login.
  const sentDuring = await phone.receiveText(CONTACT, 'during the reload');
  await login;
  const arrived = await during;
  expect(arrived.id.id).toBe(sentDuring.id);
  expect(arrived.from).toBe(`${CONTACT}@c.us`);

  // The client keeps working: a message after the reload arrives, a reply goes out, a backup is stored.
  const after = messageArriving(client, 'after the reload');
  await phone.receiveText(CONTACT, 'after the reload');
  await (await after).reply('still here');
  await untilTrue(() => phone.sentMessages().some((m) => m.body === 'still here'), 'the reply on the phone');
  const saved = t.count('remote_session_saved');
  await t.auth.saveNow({ force: true });
  const [backup] = await t.until('remote_session_saved', saved + 1);
  expect(backup.generation).toBe(saved + 1);
  expect((await store.list('RemoteAuth-r1')).map((g) => g.generation)).toContain(backup.generation);

  expect(t.count('ready')).toBe(1);
  expect(t.count('authenticated')).toBe(1);
  expect(t.count('disconnected')).toBe(0);
  expect(t.count('auth_failure')).toBe(0);
  expect(t.count('qr')).toBe(qrs);
  expect(t.count('error')).toBe(0);
  expect(t.args('change_state').map(([state]) => state)).toContain('CONNECTED');
  expect(await client.getState()).toBe('CONNECTED');
});

test('a message the reloaded page gets before waweb hooks into it (a slow machine) is not lost; a call made then waits for the app', async () => {
  const number = '15553000504';
  const phone = env.sim.phone(number);
  const c = await env.local.start({ scanAs: number, options: { authStrategy: env.local.localAuth('slow') } });
  await c.until('ready');
  // From the next document on, the app's `Debug` shows only 500 ms after the app set it: waweb's page
  // adapter, which waits for it, hooks in well after the app has logged in and taken the message.
  await c.client.pupPage!.evaluateOnNewDocument(`(() => {
    let value;
    let shown = false;
    Object.defineProperty(window, 'Debug', {
      configurable: true,
      get: () => (shown ? value : undefined),
      set: (v) => { value = v; setTimeout(() => { shown = true; }, 500); },
    });
  })()`);
  const login = nextLogin(env.sim, number);
  const during = messageArriving(c.client, 'while waweb was not hooked in');
  const navigated = new Promise<void>((resolve) => c.client.pupPage!.once('framenavigated', () => resolve()));
  expect(env.sim.reloadPages(number)).toBe(1);
  await phone.receiveText(CONTACT, 'while waweb was not hooked in');
  await navigated;
  // The new document is there, the app has not booted in it yet: a call now waits for that, then runs.
  const chats = await c.client.getChats();
  expect(chats.map((chat) => chat.id._serialized)).toContain(`${CONTACT}@c.us`);
  await login;
  await during;
  expect(c.count('message')).toBe(1);
  expect([c.count('ready'), c.count('authenticated'), c.count('disconnected')]).toEqual([1, 1, 0]);
});

test('a reload of a session unlinked meanwhile is a new login: auth_failure, a QR, then authenticated and ready again', async () => {
  const number = '15553000502';
  const phone = env.sim.phone(number);
  const c = await env.local.start({ scanAs: number, options: { authStrategy: env.local.localAuth('reload') } });
  await c.until('ready');
  const [device] = phone.devices();

  // While the page reloads, the phone unlinks it: the reloaded page's stored session is rejected.
  expect(env.sim.reloadPages(number)).toBe(1);
  await phone.unlink(device!.id);
  await c.until('auth_failure');
  await c.until('qr', 2);
  await c.until('ready', 2);
  expect(c.count('authenticated')).toBe(2);
  expect(c.count('disconnected')).toBe(0);
  expect(c.names().indexOf('auth_failure')).toBeLessThan(c.names().lastIndexOf('qr'));
  expect(c.client.info?.wid._serialized).toBe(`${number}@c.us`);
  const [relinked] = phone.devices();
  expect(relinked!.id).not.toBe(device!.id);

  // The new login works: a message arrives.
  const after = messageArriving(c.client, 'after the new login');
  await phone.receiveText(CONTACT, 'after the new login');
  await after;
});

test('whatsapp-web.js 1.34.7, unmodified: its ready client still receives a message after the simulator reloads its page', async () => {
  const number = '15553000503';
  const phone = env.sim.phone(number);
  const t = env.wwebjs.start(env.wwebjs.noAuth(), {
    onQr: (qr) => {
      phone.scan(qr).catch((err: unknown) => console.error('scan failed', err));
    },
  });
  await t.next('ready');
  const bodies: string[] = [];
  t.client.on('message', (message: { body: string }) => bodies.push(message.body));

  const login = nextLogin(env.sim, number);
  expect(env.sim.reloadPages(number)).toBe(1);
  await login;
  // whatsapp-web.js hooks the new document in on its own (its framenavigated handler) and, as it does on
  // every document, announces ready again once the app has synced; its message hooks are on from then.
  await until(() => t.events.filter((e) => e.name === 'ready').length === 2, 'a second whatsapp-web.js ready');
  await phone.receiveText(CONTACT, 'after the reload');
  await until(() => bodies.includes('after the reload'), `the message after the reload (got ${JSON.stringify(bodies)})`);
  expect(t.events.filter((e) => e.name === 'disconnected')).toEqual([]);
});

/** Test-side polling for what whatsapp-web.js announces with no event this test can wait on. */
async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${WAIT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
