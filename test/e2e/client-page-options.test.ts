/**
 * Issue 26: whatsapp-web.js's page options, honoured. `deviceName`/`browserName` name the linked device
 * through the app's `WAWebMiscBrowserUtils.info()` (the phone's linked-devices list shows them);
 * `proxyAuthentication` answers a proxy (given in `puppeteer.args`) that asks for credentials.
 */
import { NoAuth, StartTimeoutError, type ClientOptions } from '../../src/index';
import { startAuthProxy, type AuthProxy } from '../helpers/auth-proxy';
import { ClientHarness } from '../helpers/client';
import { useSimulatorHarnesses } from '../helpers/use-simulator';
import { untilTrue } from '../helpers/until';

const env = useSimulatorHarnesses('waweb-client-page-options-', (sim, dir) => ({ h: new ClientHarness(sim, dir) }));

test("deviceName and browserName: the phone's linked-devices list shows them", async () => {
  const number = '15553000781';
  const c = env.h.create({ scanAs: number, options: { authStrategy: new NoAuth(), deviceName: 'TEST', browserName: 'Firefox' } });
  await c.client.initialize();
  await c.until('ready');
  const phone = env.sim.phone(number);
  await untilTrue(() => phone.devices()[0]?.deviceName === 'TEST', 'the device name reaching the phone');
  expect(phone.devices()).toEqual([expect.objectContaining({ deviceName: 'TEST', browser: 'Firefox' })]);
});

describe('proxyAuthentication, with Chromium behind a loopback proxy that demands Basic credentials', () => {
  let proxy: AuthProxy | undefined;
  beforeAll(async () => {
    proxy = await startAuthProxy({
      username: 'bot',
      password: 's3cret',
      route: (host, port) => (host === 'web.whatsapp.com' && port === 443 ? env.sim.port : undefined),
    });
  });
  afterAll(async () => proxy?.close());

  const behindProxy = (extra: ClientOptions): ClientOptions => ({
    authStrategy: new NoAuth(),
    puppeteer: { args: [`--proxy-server=127.0.0.1:${proxy?.port ?? 0}`] },
    // Refused by the proxy, Chromium shows its error page: the app never boots.
    authTimeoutMs: 8_000,
    ...extra,
  });

  test('the right credentials: the proxy sees them and the client reaches its QR through it', async () => {
    const c = env.h.create({ options: behindProxy({ proxyAuthentication: { username: 'bot', password: 's3cret' } }) });
    await c.client.initialize();
    await c.until('qr');
    expect(proxy?.seen).toContain('bot:s3cret');
    expect(proxy?.tunnels).toBeGreaterThan(0);
  });

  test.each([
    ['wrong credentials', { proxyAuthentication: { username: 'bot', password: 'wrong' } }, 'bot:wrong'],
    ['no credentials', {}, ''],
  ])('%s: the proxy opens no tunnel and the start fails without a QR', async (_name, extra, shown) => {
    const before = proxy?.tunnels ?? 0;
    const c = env.h.create({ options: behindProxy(extra) });
    await expect(c.client.initialize()).rejects.toBeInstanceOf(StartTimeoutError);
    expect(c.events.some((e) => e.name === 'qr')).toBe(false);
    expect(proxy?.seen).toContain(shown);
    expect(proxy?.tunnels).toBe(before);
  });
});
