/**
 * Issue 24 point 4 for `waweb/wwebjs`: whatsapp-web.js launches Chromium itself, with the whole
 * environment unless told otherwise. The strategies' plan gives it the scrubbed one (what Chromium
 * needs, none of the bot's keys, tokens or database URLs), and keeps an `env` the user gave.
 */
import { ClientLink } from '../../src/wwebjs/client-link';

const SECRETS = {
  WAWEB_ENCRYPTION_KEYS: 'k1:c2VjcmV0LWtleS1tYXRlcmlhbC1mb3ItdGhlLXRlc3Q=',
  WAWEB_DASHBOARD_TOKEN: 'dashboard-token-for-the-test',
  DATABASE_URL: 'postgres://app:database-password@db/waweb',
};
const saved = { ...process.env };
beforeEach(() => Object.assign(process.env, SECRETS));
afterEach(() => {
  for (const name of Object.keys(SECRETS)) if (!(name in saved)) delete process.env[name];
});

function whatsappWebJsClient(puppeteer: Record<string, unknown>): { options: { puppeteer: Record<string, unknown> } } {
  return Object.assign(Object.create(null) as object, {
    options: { puppeteer },
    emit: () => true,
    listenerCount: () => 0,
  });
}

test("the plan hands whatsapp-web.js's launch a scrubbed environment", () => {
  const client = whatsappWebJsClient({ headless: true });
  ClientLink.of(client).plan('/tmp/waweb-profile', ['--flag']);
  const env = client.options.puppeteer['env'] as Record<string, string>;
  expect(env['PATH']).toBe(process.env['PATH']);
  for (const name of Object.keys(SECRETS)) expect(env).not.toHaveProperty(name);
  expect(JSON.stringify(env)).not.toMatch(/database-password|dashboard-token|c2VjcmV0/);
  expect(client.options.puppeteer['userDataDir']).toBe('/tmp/waweb-profile');
});

test('an env the user gave whatsapp-web.js is kept as given', () => {
  const given = { PATH: '/usr/bin', CUSTOM: 'yes' };
  const client = whatsappWebJsClient({ env: given });
  ClientLink.of(client).plan(undefined, undefined);
  expect(client.options.puppeteer['env']).toBe(given);
});
