/**
 * Linking: QR references rotate and go idle until `Cmd.refreshQR()`, and a
 * phone number can pair with a code instead of a QR.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { SimulatorError, WhatsAppSimulator } from '../../src/simulator';
import { pairFrame, rawPage } from '../helpers/raw-page';
import { SimPages, type PageEvent } from '../helpers/sim-page';
import { useSimulator, useSimulatorWithPages } from '../helpers/use-simulator';

// Globals of the page, for functions that run in Chromium (this tsconfig has no DOM lib).
declare const window: any;

const pages = new SimPages();
const rotating = useSimulatorWithPages(pages, { refIntervalMs: 300, refRotations: 2, adminPort: false });
const env = useSimulator({ adminPort: false });

type Of<T extends PageEvent['type']> = Extract<PageEvent, { type: T }>;
const of =
  <T extends PageEvent['type']>(type: T) =>
  (e: PageEvent): e is Of<T> =>
    e.type === type;

test('the ref rotates, the QR is redrawn, then the page idles until Cmd.refreshQR()', async () => {
  const page = await pages.launch(rotating.sim);
  await page.waitForState('UNPAIRED_IDLE');

  const refs = page.events.filter(of('ref')).map((e) => e.ref);
  expect(refs).toHaveLength(2);
  expect(refs.every((r) => typeof r === 'string' && r.length > 10)).toBe(true);
  expect(new Set(refs).size).toBe(2);
  expect(page.events.filter(of('state')).map((e) => e.state)).toEqual(['OPENING', 'UNPAIRED', 'UNPAIRED_IDLE']);

  // Conn.ref is set (change:ref fired) before the state becomes UNPAIRED.
  const firstRef = page.events.findIndex(of('ref'));
  const unpaired = page.events.findIndex((e) => e.type === 'state' && e.state === 'UNPAIRED');
  expect(firstRef).toBeLessThan(unpaired);
  expect(page.events[unpaired]).toMatchObject({ ref: refs[0] });

  // Each ref was drawn: five fields, same keys, a different canvas.
  const drawn = page.events.filter(of('qr')).filter((e) => e.text !== null);
  expect(drawn.map((e) => e.text!.split(',')[0])).toEqual(refs);
  const fields = drawn.map((e) => e.text!.split(','));
  for (const f of fields) {
    expect(f).toHaveLength(5);
    expect(Buffer.from(f[1]!, 'base64')).toHaveLength(32);
    expect(Buffer.from(f[2]!, 'base64')).toHaveLength(32);
    expect(f[4]).toBe('CHROME');
  }
  expect(fields[1]!.slice(1)).toEqual(fields[0]!.slice(1));
  expect(drawn.every((e) => e.canvas !== null && /^\d+x\d+:/.test(e.canvas))).toBe(true);
  expect(drawn[0]!.canvas).not.toBe(drawn[1]!.canvas);

  // Idle: nothing is on offer, and the last QR no longer links.
  expect(rotating.sim.pendingQrCodes()).toEqual([]);
  await expect(rotating.sim.phone('15550002001').scan(drawn[1]!.text!)).rejects.toMatchObject({ status: 410 });

  // refreshQR brings a fresh ref, set before the state goes back to UNPAIRED.
  const before = page.events.length;
  await page.evaluate(() => window.require('WAWebCmd').Cmd.refreshQR());
  await page.waitForState('UNPAIRED');
  const after = page.events.slice(before);
  const refIndex = after.findIndex(of('ref'));
  const stateIndex = after.findIndex((e) => e.type === 'state' && e.state === 'UNPAIRED');
  expect(refIndex).toBeGreaterThanOrEqual(0);
  expect(refIndex).toBeLessThan(stateIndex);
  const fresh = (after[refIndex] as Of<'ref'>).ref;
  expect(refs).not.toContain(fresh);
  expect(after[stateIndex]).toMatchObject({ ref: fresh });
  const freshText = await page.waitForQrText(drawn[1]!.text);
  expect(freshText.split(',')[0]).toBe(fresh);
  expect(await page.evaluate(() => window.require('WAWebConnModel').Conn.ref)).toBe(fresh);

  // It rotates again and goes idle again.
  await page.waitForState('UNPAIRED_IDLE');
  expect(page.events.filter(of('ref'))).toHaveLength(4);
});

test('pairing by phone-number code: only that phone can use the code', async () => {
  const number = '15551110000';
  const page = await pages.launch(env.sim);
  await page.waitForState('UNPAIRED');

  const code = await page.evaluate(() => window.require('WAWebAltDeviceLinkingApi').startAltLinkingFlow('15551110000', true));
  expect(code).toMatch(/^[A-Z0-9]{8}$/);

  const wrong = env.sim.phone('15552220000').pairWithCode(code);
  await expect(wrong).rejects.toBeInstanceOf(SimulatorError);
  await expect(wrong).rejects.toMatchObject({ status: 409 });
  expect(env.sim.phone('15552220000').devices()).toEqual([]);
  expect(env.sim.phone(number).devices()).toEqual([]);
  expect(await page.state()).toBe('UNPAIRED');

  await expect(env.sim.phone(number).pairWithCode('ABC')).rejects.toMatchObject({ status: 400 });

  const device = await env.sim.phone(number).pairWithCode(code);
  expect(device).toMatchObject({ phone: number, online: true });
  await page.waitForState('CONNECTED');
  expect(
    env.sim
      .phone(number)
      .devices()
      .map((d) => d.id),
  ).toEqual([device.id]);
  const me = await page.evaluate(() => {
    const r = window.require;
    return { pn: r('WAWebUserPrefsMeUser').getMaybeMePnUser(), conn: r('WAWebConnModel').Conn.serialize() };
  });
  expect(me.pn).toEqual({ server: 'c.us', user: number, _serialized: `${number}@c.us` });
  expect(me.conn).toMatchObject({ wid: { user: number }, platform: 'android' });
  expect(await page.qrText()).toBeNull();

  // The code is spent.
  await expect(env.sim.phone(number).pairWithCode(code)).rejects.toMatchObject({ status: 404 });
  expect(env.sim.phone(number).devices()).toHaveLength(1);
});

test('a connection that asks to pair twice shows one rotating QR: once linked, no reference follows', async () => {
  const sim = await WhatsAppSimulator.start({ adminPort: false, refIntervalMs: 50, refRotations: 1000 });
  const page = rawPage(sim);
  try {
    await page.next('challenge');
    const pair = pairFrame();
    // A page that answered twice on one connection (e.g. a late answer to an earlier challenge).
    for (let i = 0; i < 2; i++) {
      const ref = page.next('ref');
      page.ws.send(pair);
      await ref;
    }
    const paired = page.next('paired');
    await sim.phone('15550005101').scan(sim.pendingQrCodes()[0]!);
    await paired;
    const linkedAt = page.frames.findIndex((f) => f.t === 'paired');
    const shown: string[] = [];
    sim.on('qr', (qr) => shown.push(qr));
    // Six rotation intervals: a rotation left running would have sent a reference by now.
    await delay(300);
    expect(page.frames.slice(linkedAt).filter((f) => f.t === 'ref' || f.t === 'idle')).toEqual([]);
    expect(shown).toEqual([]);
    expect(sim.pendingQrCodes()).toEqual([]);
  } finally {
    page.ws.terminate();
    await sim.close();
  }
});
