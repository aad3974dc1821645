/**
 * The page adapter's one report stream: every report the page sends comes out as `report`, the
 * adapter keeps only whether the app booted (and its version), and `nextReport` waits for a kind
 * of report with a deadline and a signal, leaving no listener behind.
 */
import type { Page } from 'puppeteer-core';
import { AbortError, ErrorCode, TimeoutError } from '../../src/errors';
import type { PageEvent } from '../../src/web/bridge';
import { WebPage } from '../../src/web/web-page';

/** A page that takes the adapter's binding, so the test can send what the page-side script would. */
async function attached(): Promise<{ web: WebPage; send: (report: PageEvent | string) => void }> {
  let binding: ((json: string) => void) | undefined;
  const page = {
    exposeFunction: async (_name: string, fn: (json: string) => void) => {
      binding = fn;
    },
    evaluateOnNewDocument: async () => undefined,
    setUserAgent: async () => undefined,
  } as unknown as Page;
  const web = await WebPage.attach(page);
  return { web, send: (report) => binding!(typeof report === 'string' ? report : JSON.stringify(report)) };
}

const booted: PageEvent = {
  type: 'booted',
  version: '2.3000.1',
  state: 'UNPAIRED',
  hasSynced: false,
  hadSession: false,
  missing: [],
  checked: 0,
};

test('every report comes out on the one stream, in order; the adapter tracks only the boot', async () => {
  const { web, send } = await attached();
  const seen: PageEvent[] = [];
  web.on('report', (report) => seen.push(report));
  expect(web.booted).toBe(false);
  send({ type: 'loading', percent: 40 });
  send('not json');
  send(booted);
  send({ type: 'state', state: 'CONNECTED' });
  expect(seen.map((r) => r.type)).toEqual(['loading', 'booted', 'state']);
  expect(web.booted).toBe(true);
  expect(web.version).toBe('2.3000.1');
});

test('nextReport resolves with the first report of the kinds asked for and then stops listening', async () => {
  const { web, send } = await attached();
  const next = web.nextReport(['booted', 'startFailed']);
  expect(web.listenerCount('report')).toBe(1);
  send({ type: 'qr', qr: 'ref,key' });
  send({ type: 'startFailed', message: 'no module' });
  send(booted);
  await expect(next).resolves.toEqual({ type: 'startFailed', message: 'no module' });
  expect(web.listenerCount('report')).toBe(0);
});

test('nextReport rejects with a TimeoutError naming its option, and an AbortError on the signal', async () => {
  const { web, send } = await attached();
  const late = web.nextReport(['booted'], { timeout: 20, timeoutOption: 'authTimeoutMs' });
  send({ type: 'state', state: 'OPENING' });
  const timedOut = await late.catch((err: unknown) => err);
  expect(timedOut).toBeInstanceOf(TimeoutError);
  expect((timedOut as TimeoutError).code).toBe(ErrorCode.TIMEOUT);
  expect((timedOut as TimeoutError).message).toContain('authTimeoutMs');

  const abort = new AbortController();
  const waiting = web.nextReport(['logout'], { signal: abort.signal });
  abort.abort();
  const aborted = await waiting.catch((err: unknown) => err);
  expect(aborted).toBeInstanceOf(AbortError);
  expect((aborted as AbortError).code).toBe(ErrorCode.ABORTED);
  expect(web.listenerCount('report')).toBe(0);
});
