/**
 * Issue 26: whatsapp-web.js's `evalOnNewDoc` option, honoured: the function runs in every new document
 * of the page before WhatsApp Web's scripts, so it sees the app's globals appear after it.
 */
import { InvalidOptionError, NoAuth } from '../../src/index';
import { ClientHarness } from '../helpers/client';
import { useSimulatorHarnesses } from '../helpers/use-simulator';

const env = useSimulatorHarnesses('waweb-client-eval-on-new-doc-', (sim, dir) => ({ h: new ClientHarness(sim, dir) }));

test('evalOnNewDoc runs in the page before WhatsApp Web, in every new document', async () => {
  const number = '15553000701';
  const evalOnNewDoc = (): void => {
    const w = globalThis as unknown as Record<string, unknown>;
    // What the app had defined when the function ran: nothing yet.
    w['seenBeforeApp'] = { debug: typeof w['Debug'], require: typeof w['require'] };
  };
  const c = env.h.create({ scanAs: number, options: { authStrategy: new NoAuth(), evalOnNewDoc } });
  await c.client.initialize();
  await c.until('ready');
  const page = c.client.pupPage!;
  const seen = (): Promise<unknown> => page.evaluate(() => (globalThis as unknown as Record<string, unknown>)['seenBeforeApp']);
  expect(await seen()).toEqual({ debug: 'undefined', require: 'undefined' });
  await page.reload({ waitUntil: 'domcontentloaded' });
  expect(await seen()).toEqual({ debug: 'undefined', require: 'undefined' });
});

test('evalOnNewDoc must be a function', () => {
  expect(() => env.h.create({ options: { evalOnNewDoc: 'alert(1)' as unknown as () => void } })).toThrow(InvalidOptionError);
});
