/**
 * Issue 26: the device preferences whatsapp-web.js 1.34.7 sets (`WAWebUserPrefsGeneral` auto-download,
 * `WAWebUserPrefsNotifications` background sync) and `resetState` (`Socket.reconnect()`), proven on
 * the simulator by an unmodified whatsapp-web.js: the settings read back, and after the reconnect the
 * session is back and messages flow.
 */
import { useSimulatorHarnesses } from '../helpers/use-simulator';
import { sentOnPhone, untilTrue } from '../helpers/until';
import { WwebjsHarness } from '../helpers/wwebjs';

const env = useSimulatorHarnesses('waweb-wwebjs-prefs-', (sim, dir) => ({ harness: new WwebjsHarness(sim, dir) }));

interface WClient {
  setAutoDownloadAudio(flag: boolean): Promise<void>;
  setAutoDownloadDocuments(flag: boolean): Promise<void>;
  setAutoDownloadPhotos(flag: boolean): Promise<void>;
  setAutoDownloadVideos(flag: boolean): Promise<void>;
  setBackgroundSync(flag: boolean): Promise<boolean>;
  resetState(): Promise<void>;
  getState(): Promise<string>;
  sendMessage(id: string, text: string): Promise<unknown>;
  pupPage: { evaluate<T>(fn: () => T): Promise<T> };
  on(event: string, listener: (...args: any[]) => void): void;
}

test('auto-download and background sync read back as set; resetState() reconnects and the session carries on', async () => {
  const number = '15550000701';
  const client = await env.harness.linked<WClient>(number);
  const read = (): Promise<boolean[]> =>
    client.pupPage.evaluate(() => {
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

  // The connection drops (TIMEOUT) and comes back with the stored session (CONNECTED).
  const states: string[] = [];
  client.on('change_state', (state: string) => states.push(state));
  await client.resetState();
  await untilTrue(() => states.includes('TIMEOUT') && states.at(-1) === 'CONNECTED', 'the reconnected session');
  expect(await client.getState()).toBe('CONNECTED');
  await client.sendMessage('15557770701@c.us', 'still here');
  await sentOnPhone(env.sim.phone(number), 'still here', 'a message after the reconnect');
});
