/**
 * `waweb session verify --verify-login`: the second level of verification. The stored copy is
 * restored into a throw-away folder and started against the app (WhatsApp Web, or whatever
 * `WAWEB_CHROMIUM_ARGS` points Chromium at, e.g. a simulator); it passes when the app reaches
 * `ready` without a QR. The store is only read: the client's backups go nowhere.
 */
import { Client, InvalidOptionError, RemoteAuth, StoreError, type SessionStore } from '../../index';
import { privateScratch } from '../../session/index';

/** A login from a copy takes the session from its live owner: sessions saved this recently look live. */
const LOOKS_LIVE_MS = 10 * 60_000;

export interface LoginCheck {
  ok: boolean;
  message: string;
  /** From start to `ready`. */
  ms?: number;
}

/** The store as the check sees it: everything read, nothing written. */
function readOnly(store: SessionStore): SessionStore {
  const refuse = (): Promise<never> => Promise.reject(new StoreError('verify --verify-login only reads the store'));
  return {
    name: `${store.name} (read-only)`,
    stableGenerations: store.stableGenerations !== false,
    exists: (id, o) => store.exists(id, o),
    list: (id, o) => store.list(id, o),
    load: (id, o) => store.load(id, o),
    save: refuse,
    delete: refuse,
    close: async () => undefined,
  };
}

function chromiumArgs(): string[] {
  const raw = process.env['WAWEB_CHROMIUM_ARGS'];
  if (!raw) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed) || !parsed.every((a) => typeof a === 'string')) {
    throw new InvalidOptionError('WAWEB_CHROMIUM_ARGS must be a JSON array of Chromium flags');
  }
  return parsed;
}

export async function verifyLogin(
  store: SessionStore,
  session: string,
  options: { live: boolean; timeoutMs?: number },
): Promise<LoginCheck> {
  const match = /^RemoteAuth(?:-([A-Za-z0-9_-]+))?$/.exec(session);
  if (!match)
    throw new InvalidOptionError(`--verify-login needs a RemoteAuth session name (RemoteAuth-<clientId>), not ${JSON.stringify(session)}`);
  const [newest] = await store.list(session);
  if (!newest) return { ok: false, message: `no backups of session ${session}` };
  const age = Date.now() - newest.createdAt.getTime();
  if (age < LOOKS_LIVE_MS && !options.live) {
    return {
      ok: false,
      message:
        `session ${session} looks live (its newest backup is ${Math.round(age / 1000)} s old): a login from the copy would take ` +
        `the session from its owner, which the app answers with CONFLICT. Stop the owner first, or pass --live to check anyway.`,
    };
  }
  // The restored login lives in a private scratch folder: removed below, or by the next run if this one is killed.
  const scratch = await privateScratch('verify-login');
  const auth = new RemoteAuth({
    store: readOnly(store),
    ...(match[1] ? { clientId: match[1] } : {}),
    dataPath: scratch.path,
    backupSyncIntervalMs: 3_600_000,
  });
  const client = new Client({ authStrategy: auth, puppeteer: { args: chromiumArgs() }, restartOnAuthFail: false });
  // Backups of this throw-away login are refused by the read-only view; that is expected.
  client.on('error', () => undefined);
  const started = Date.now();
  const timeoutMs = options.timeoutMs ?? 60_000;
  let timer: NodeJS.Timeout | undefined;
  try {
    const outcome = new Promise<LoginCheck>((resolve) => {
      client.once('ready', () =>
        resolve({ ok: true, message: `logged in without a QR as ${client.info?.wid._serialized ?? '?'}`, ms: Date.now() - started }),
      );
      client.once('qr', () => resolve({ ok: false, message: 'the copy did not log in: the app asked for a QR' }));
      client.once('auth_failure', (failure) => resolve({ ok: false, message: `the copy did not log in: ${failure.message}` }));
      client.once('disconnected', (reason) => resolve({ ok: false, message: `the client stopped: ${reason}` }));
      timer = setTimeout(() => resolve({ ok: false, message: `no login within ${timeoutMs} ms` }), timeoutMs);
    });
    await client.initialize();
    return await outcome;
  } finally {
    clearTimeout(timer);
    await client.destroy();
    await scratch.remove();
  }
}
