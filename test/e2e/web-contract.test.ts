/**
 * Issue 25, point 2: the page adapter checks the app's modules and members against its manifest at
 * every boot. Drift variants of the simulator's build (a module or member taken out of its module
 * registry before the app boots) show what a WhatsApp update that drops something does: a login
 * member gone fails the start with INCOMPATIBLE_WEB (no QR, the browser closed); an optional one
 * switches its feature off with `web_contract`, and a call that needs it is refused with the error.
 */
import { IncompatibleWebError, NoAuth, type WebContractReport } from '../../src/index';
import { MANIFEST } from '../../src/web/page/contract';
import { ClientHarness } from '../helpers/client';
import { useSimulatorHarnesses } from '../helpers/use-simulator';

const env = useSimulatorHarnesses('waweb-contract-', (sim, dir) => ({ h: new ClientHarness(sim, dir) }));

let normal: string;

beforeAll(() => {
  normal = env.sim.liveBuild;
});

afterEach(() => {
  env.sim.setLiveBuild(normal);
});

test('the normal build has every member of the manifest: no web_contract, and the client gets to ready', async () => {
  const c = env.h.create({ scanAs: '15553002501', options: { authStrategy: new NoAuth() } });
  await c.client.initialize();
  await c.until('ready');
  expect(c.client.pupPage).toBeDefined();
  expect(c.count('web_contract')).toBe(0);
  // Every manifest entry is there in the page, as the app hands it out.
  const absent = await c.client.pupPage!.evaluate((manifest: ReadonlyArray<readonly [string, string, string, string]>) => {
    const load = (globalThis as unknown as { require: (name: string) => unknown }).require;
    return manifest
      .filter(([module, member]) => {
        // A row of several modules (`A+B`) is one view of them all, as whatsapp-web.js merges its registration helpers.
        let value: unknown;
        try {
          const names = module.split('+');
          value = names.length === 1 ? load(module) : Object.assign({}, ...names.map((name) => load(name) as object));
        } catch {
          return true;
        }
        for (const part of member.split('.')) value = value == null ? undefined : (value as Record<string, unknown>)[part];
        return value == null;
      })
      .map(([module, member]) => `${module}.${member}`);
  }, MANIFEST);
  expect(MANIFEST.length).toBeGreaterThan(50);
  expect(absent).toEqual([]);
});

test('a login member missing: initialize() rejects with INCOMPATIBLE_WEB naming the build and the member; no QR, no browser left', async () => {
  const build = '2.3000.1025000001';
  env.sim.setLiveBuild(build, { without: ['WAWebUserPrefsMultiDevice.getADVSecretKey'] });
  const c = env.h.create({ options: { authStrategy: new NoAuth() } });
  const err = await c.client.initialize().catch((e: unknown) => e);
  expect(err).toBeInstanceOf(IncompatibleWebError);
  const incompatible = err as IncompatibleWebError;
  expect(incompatible.code).toBe('INCOMPATIBLE_WEB');
  expect(incompatible.build).toBe(build);
  expect(incompatible.missing).toEqual([
    { module: 'WAWebUserPrefsMultiDevice', member: 'getADVSecretKey', feature: 'login', expected: 'function', found: 'missing' },
  ]);
  expect(incompatible.message).toContain(build);
  expect(incompatible.message).toContain('WAWebUserPrefsMultiDevice.getADVSecretKey');
  expect(c.count('qr')).toBe(0);
  expect(c.client.pupBrowser).toBeUndefined();
  expect(await env.h.waitForNoBrowser()).toEqual([]);
});

test('an optional module missing: the client reaches ready, web_contract names it, react() rejects with INCOMPATIBLE_WEB', async () => {
  const build = '2.3000.1025000002';
  env.sim.setLiveBuild(build, { without: ['WAWebSendReactionMsgAction'] });
  const number = '15553002502';
  const contact = '15557772502';
  const warnings: Array<Record<string, unknown>> = [];
  const nothing = (): void => undefined;
  const logger = {
    trace: nothing,
    debug: nothing,
    info: nothing,
    error: nothing,
    warn: (fields: Record<string, unknown>) => warnings.push(fields),
  };
  const c = env.h.create({ scanAs: number, options: { authStrategy: new NoAuth(), logger } });
  const reports: WebContractReport[] = [];
  c.client.on('web_contract', (report) => reports.push(report));
  await c.client.initialize();
  await c.until('ready');
  expect(reports).toEqual([
    {
      build,
      missing: [
        { module: 'WAWebSendReactionMsgAction', member: 'sendReactionToMsg', feature: 'reactions', expected: 'function', found: 'missing' },
      ],
    },
  ]);
  expect(warnings).toEqual([
    expect.objectContaining({
      event: 'web_contract',
      build,
      members: ['WAWebSendReactionMsgAction.sendReactionToMsg'],
      features: ['reactions'],
    }),
  ]);
  // What does not need the missing module still works.
  const sent = await c.client.sendMessage(`${contact}@c.us`, 'hello');
  const err = await sent.react('👍').catch((e: unknown) => e);
  expect(err).toBeInstanceOf(IncompatibleWebError);
  expect((err as IncompatibleWebError).code).toBe('INCOMPATIBLE_WEB');
  expect((err as IncompatibleWebError).build).toBe(build);
  expect((err as IncompatibleWebError).message).toContain('WAWebSendReactionMsgAction.sendReactionToMsg');
  expect((err as IncompatibleWebError).missing.map((m) => m.module)).toEqual(['WAWebSendReactionMsgAction']);
});

test("a module of sending missing: ready still comes with the account's info, sendMessage() rejects with INCOMPATIBLE_WEB", async () => {
  const build = '2.3000.1025000003';
  env.sim.setLiveBuild(build, { without: ['WAWebMsgKey'] });
  const number = '15553002503';
  const c = env.h.create({ scanAs: number, options: { authStrategy: new NoAuth() } });
  await c.client.initialize();
  await c.until('ready');
  expect(c.client.info?.wid._serialized).toBe(`${number}@c.us`);
  const [report] = await c.until('web_contract');
  // Polls read keys with `WAWebMsgKey.fromString`: they go off with it.
  expect(report.missing.map((m) => `${m.module}.${m.member} ${m.feature}`)).toEqual([
    'WAWebMsgKey.newId sending',
    'WAWebMsgKey.fromString polls',
  ]);
  const err = await c.client.sendMessage('15557772503@c.us', 'hello').catch((e: unknown) => e);
  expect(err).toBeInstanceOf(IncompatibleWebError);
  expect((err as IncompatibleWebError).code).toBe('INCOMPATIBLE_WEB');
});
