/**
 * Issue 26: device preferences and resetState through waweb's Client, the scenario
 * test/e2e/wwebjs-prefs.test.ts runs with an unmodified whatsapp-web.js.
 */
import { InvalidOptionError, NoAuth } from '../../src/index';
import { ClientHarness } from '../helpers/client';
import { sentOnPhone, untilTrue } from '../helpers/until';
import { useSimulatorHarnesses } from '../helpers/use-simulator';

const env = useSimulatorHarnesses('waweb-client-prefs-', (sim, dir) => ({ h: new ClientHarness(sim, dir) }));

test('auto-download and background sync read back as set; resetState() reconnects and the session carries on', async () => {
  const number = '15553007001';
  const c = env.h.create({ scanAs: number, options: { authStrategy: new NoAuth() } });
  await c.client.initialize();
  await c.until('ready');
  const client = c.client;
  const read = (): Promise<boolean[]> =>
    client.pupPage!.evaluate(() => {
      const load = (globalThis as unknown as { require: (name: string) => Record<string, () => boolean> }).require;
      const general = load('WAWebUserPrefsGeneral');
      return [
        general.getAutoDownloadAudio!(),
        general.getAutoDownloadDocuments!(),
        general.getAutoDownloadPhotos!(),
        general.getAutoDownloadVideos!(),
        load('WAWebUserPrefsNotifications').getGlobalOfflineNotifications!(),
      ];
    });

  await client.setAutoDownloadAudio(false);
  await client.setAutoDownloadDocuments(true);
  await client.setAutoDownloadPhotos(false);
  await client.setAutoDownloadVideos(true);
  expect(await client.setBackgroundSync(false)).toBe(false);
  expect(await read()).toEqual([false, true, false, true, false]);
  await client.setAutoDownloadAudio(true);
  expect(await client.setBackgroundSync(true)).toBe(true);
  expect(await read()).toEqual([true, true, false, true, true]);
  await expect(client.setAutoDownloadVideos('yes' as unknown as boolean)).rejects.toBeInstanceOf(InvalidOptionError);

  const states: string[] = [];
  client.on('change_state', (state) => states.push(state));
  await client.resetState();
  await untilTrue(() => states.includes('TIMEOUT') && states.at(-1) === 'CONNECTED', 'the reconnected session');
  expect(await client.getState()).toBe('CONNECTED');
  expect(c.count('disconnected')).toBe(0);
  await client.sendMessage('15557777001@c.us', 'still here');
  await sentOnPhone(env.sim.phone(number), 'still here', 'a message after the reconnect');
});
