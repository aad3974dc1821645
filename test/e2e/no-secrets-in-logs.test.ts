/**
 * Issue 14, logs: a full login, backup, restore and logout (RemoteAuth over an encrypted
 * PostgreSQL store whose URL carries a password), a pairing by code and a legacy-token login, all
 * with a debug-level logger. Every record and every error message is then searched for each secret
 * the test knows: QR texts, the pairing code, the key, the database password, localStorage values
 * (what the archive carries) and the legacy tokens. The records must also tell the story.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { PostgresStore, EncryptedStore, LegacySessionAuth, NoAuth, RemoteAuth, type Logger } from '../../src/index';
import { generateEncryptionKey } from '../../src/session/index';
import { ClientHarness } from '../helpers/client';
import { startPostgres, type PostgresServer } from '../helpers/postgres';
import { useSimulatorHarnesses } from '../helpers/use-simulator';

const env = useSimulatorHarnesses('waweb-no-secrets-', (sim, dir) => ({ h: new ClientHarness(sim, dir) }));

let pg: PostgresServer;
beforeAll(async () => {
  pg = await startPostgres();
}, 120_000);
afterAll(async () => {
  await pg?.stop();
});

/** A pino-like logger at the most verbose level that keeps every record as JSON text. */
function recordingLogger(records: string[], bindings: Record<string, unknown> = {}): Logger {
  const at =
    (level: string) =>
    (fields: Record<string, unknown>, message: string): void =>
      void records.push(JSON.stringify({ level, ...bindings, ...fields, msg: message }));
  return {
    trace: at('trace'),
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (more: Record<string, unknown>) => recordingLogger(records, { ...bindings, ...more }),
  };
}

test('nothing secret reaches the logs or error messages, and the logs tell each step', async () => {
  const records: string[] = [];
  const errors: string[] = [];
  const secrets = new Set<string>();
  const logger = recordingLogger(records);

  const password = `pw-${generateEncryptionKey().slice(0, 16)}`;
  const url = pg.local ? pg.connectionString.replace('postgres@', `postgres:${encodeURIComponent(password)}@`) : pg.connectionString;
  if (pg.local) secrets.add(password);
  const key = generateEncryptionKey();
  secrets.add(key).add(Buffer.from(key, 'base64').toString('hex'));
  const store = new EncryptedStore(new PostgresStore({ connectionString: url }), { keys: [{ id: 'logs-test', key }] });
  const dataPath = join(env.work.path, 'data');
  const remote = (): RemoteAuth => new RemoteAuth({ store, clientId: 'secrets', dataPath });

  try {
    // Pair (QR), two backups, then the page's localStorage: the values the archive carries.
    const number = '15553009001';
    env.sim.phone(number);
    const first = env.h.create({ scanAs: number, options: { authStrategy: remote(), logger } });
    first.client.on('qr', (qr) => void secrets.add(qr));
    first.client.on('error', (e) => void errors.push(e.message));
    await first.client.initialize();
    await first.until('ready');
    await first.until('remote_session_saved', 2);
    const items = JSON.parse(String(await first.client.pupPage!.evaluate('JSON.stringify(Object.values(localStorage))'))) as string[];
    for (const value of items) if (value.length >= 12) secrets.add(value);
    await first.client.destroy();

    // Restore into an empty folder, then log out.
    await rm(dataPath, { recursive: true, force: true });
    const second = env.h.create({ options: { authStrategy: remote(), logger } });
    second.client.on('error', (e) => void errors.push(e.message));
    await second.client.initialize();
    await second.until('ready');
    expect(second.count('qr')).toBe(0);
    await second.client.logout();

    // A pairing code.
    const coded = env.h.create({
      options: { authStrategy: new NoAuth(), logger, pairWithPhoneNumber: { phoneNumber: '+1 555-300-9002' } },
    });
    await coded.client.initialize();
    const [code] = await coded.until('code');
    secrets.add(code).add(code.replace('-', ''));
    await coded.client.destroy();

    // Legacy tokens: pair, then log in with them.
    const legacyNumber = '15553009003';
    env.sim.phone(legacyNumber, { legacy: true });
    const legacy = env.h.create({ scanAs: legacyNumber, options: { authStrategy: new LegacySessionAuth(), logger } });
    legacy.client.on('qr', (qr) => void secrets.add(qr));
    await legacy.client.initialize();
    const [session] = await legacy.until('authenticated');
    await legacy.until('ready');
    await legacy.client.destroy();
    for (const value of Object.values(session as Record<string, string>)) if (value.length >= 8) secrets.add(value);
    const again = env.h.create({ options: { authStrategy: new LegacySessionAuth({ session: session as never }), logger } });
    await again.client.initialize();
    await again.until('ready');
    await again.client.destroy();
  } finally {
    await store.close();
  }

  expect(secrets.size).toBeGreaterThanOrEqual(8);
  const everything = [...records, ...errors];
  for (const secret of secrets) {
    const leaks = everything.filter((line) => line.includes(secret));
    expect({ secret: secret.slice(0, 6) + '…', leaks }).toEqual({ secret: secret.slice(0, 6) + '…', leaks: [] });
  }
  // The story is there: each step left a record.
  const messages = records.map((r) => (JSON.parse(r) as { msg: string }).msg);
  for (const step of [
    'browser started',
    'QR code shown (its text is only in the qr event)',
    'authenticated',
    'ready',
    'backup stored',
    'session saved',
    'restored from the store',
    'pairing code issued (its text is only in the code event)',
  ]) {
    expect(messages).toContain(step);
  }
  expect(records.some((r) => r.includes('"level":"debug"'))).toBe(true);
}, 180_000);
