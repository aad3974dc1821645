/**
 * LegacySessionAuth: the pre-multi-device way, as whatsapp-web.js's guide shows it. The session is four
 * localStorage values (`WABrowserId`, `WASecretBundle`, `WAToken1`, `WAToken2`): given back to the app
 * before its scripts run, handed to the caller as the `authenticated` payload after a login.
 *
 *   client.on('authenticated', (session) => fs.writeFileSync('session.json', JSON.stringify(session)));
 *   new Client({ authStrategy: new LegacySessionAuth({ session: JSON.parse(fs.readFileSync('session.json', 'utf8')) }) });
 *
 * Nothing is kept on disk by waweb: the browser runs on a throw-away profile.
 */
import { AuthFailureError, InvalidOptionError } from '../errors';
import { AuthStrategy, type BrowserPlan, type LaunchRequest } from './strategy';

/** The four localStorage values of a legacy session. */
export interface LegacySession {
  WABrowserId: string;
  WASecretBundle: string;
  WAToken1: string;
  WAToken2: string;
}

const KEYS = ['WABrowserId', 'WASecretBundle', 'WAToken1', 'WAToken2'] as const;

export interface LegacySessionAuthOptions {
  /** The `authenticated` payload of an earlier login; without it the client shows a QR. */
  session?: LegacySession;
  /**
   * After `auth_failure` (the tokens were refused), go on without them to a fresh QR (true) or stop
   * with `disconnected('AUTH_FAILURE')`. @default the client's `restartOnAuthFail` (true)
   */
  restartOnAuthFail?: boolean;
}

/** The message whatsapp-web.js's LegacySessionAuth gave on a refused session. */
export const LEGACY_AUTH_FAILURE_MESSAGE = 'Unable to log in. Are the session details valid?';

export class LegacySessionAuth extends AuthStrategy {
  readonly name = 'legacy';
  override readonly restartOnAuthFail: boolean | undefined;
  readonly #session: LegacySession | undefined;

  constructor(options: LegacySessionAuthOptions = {}) {
    super();
    if (typeof options !== 'object' || options === null) throw new InvalidOptionError('LegacySessionAuth options must be an object');
    const { session } = options;
    if (session !== undefined && session !== null) {
      if (typeof session !== 'object' || KEYS.some((k) => typeof session[k] !== 'string' || session[k] === '')) {
        throw new InvalidOptionError(`LegacySessionAuth: session must be an object with the string values ${KEYS.join(', ')}`);
      }
      for (const key of KEYS) checkToken(key, session[key]);
      this.#session = {
        WABrowserId: session.WABrowserId,
        WASecretBundle: session.WASecretBundle,
        WAToken1: session.WAToken1,
        WAToken2: session.WAToken2,
      };
    }
    if (options.restartOnAuthFail !== undefined && typeof options.restartOnAuthFail !== 'boolean') {
      throw new InvalidOptionError('LegacySessionAuth: restartOnAuthFail must be a boolean');
    }
    this.restartOnAuthFail = options.restartOnAuthFail;
  }

  /** The session is seeded into a fresh load of the app; the profile is a throw-away one. */
  override async beforeBrowserInitialized(request: LaunchRequest): Promise<BrowserPlan> {
    if (request.userDataDir !== undefined) {
      throw new InvalidOptionError(
        'LegacySessionAuth keeps the session in its tokens, not in a profile: leave puppeteer.userDataDir unset',
      );
    }
    return this.#session ? { seedLocalStorage: { ...this.#session } } : {};
  }

  /**
   * The four values after a login. A multi-device account has none (its session lives in IndexedDB):
   * that is an `auth_failure` with reason `MULTI_DEVICE`, and the client stops.
   */
  override async getAuthEventPayload(): Promise<LegacySession> {
    const page = this.host.page();
    const entries = new Map(page ? await page.localStorageEntries() : []);
    const values = KEYS.map((k) => entries.get(k));
    if (values.some((v) => typeof v !== 'string' || v === '')) {
      throw new AuthFailureError(
        'MULTI_DEVICE',
        'this account uses multi-device, whose session LegacySessionAuth cannot keep: use LocalAuth or RemoteAuth',
      );
    }
    const [WABrowserId, WASecretBundle, WAToken1, WAToken2] = values as string[];
    return { WABrowserId: WABrowserId!, WASecretBundle: WASecretBundle!, WAToken1: WAToken1!, WAToken2: WAToken2! };
  }

  /** A session was given (refused or not: its device may still be linked). */
  override async hasStoredSession(): Promise<boolean> {
    return this.#session !== undefined;
  }

  override rejection(): AuthFailureError {
    return new AuthFailureError('INVALID_SESSION', LEGACY_AUTH_FAILURE_MESSAGE);
  }
}

/** The app keeps each token as JSON text; a real one is well under a kilobyte. */
const MAX_TOKEN_CHARS = 16 * 1024;

/** A token is data for the app's localStorage: JSON text of bounded size. Its value is never echoed. */
function checkToken(key: string, value: string): void {
  if (value.length > MAX_TOKEN_CHARS) {
    throw new InvalidOptionError(`LegacySessionAuth: session.${key} is ${value.length} characters, more than ${MAX_TOKEN_CHARS}`);
  }
  try {
    JSON.parse(value);
  } catch {
    throw new InvalidOptionError(`LegacySessionAuth: session.${key} is not JSON text (the app stores each token as JSON)`);
  }
}
