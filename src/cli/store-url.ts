/**
 * Store URLs for the command line: one string names a backend and where it is.
 *
 *   file:/abs/dir, file:./rel/dir, file:///abs/dir   FileStore directory
 *   postgres://..., postgresql://...                PostgresStore connectionString
 *   mongodb://..., mongodb+srv://...                MongoStore over a MongoClient (db from the path, default `waweb`)
 *   encrypted:<any of the above>                    the same store behind EncryptedStore, keys from WAWEB_ENCRYPTION_KEYS
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EncryptedStore, FileStore, InvalidOptionError, MongoStore, PostgresStore, type SessionStore } from '../index';
import { MongoLeases, PostgresLeases, type LeaseBackend } from '../manager/index';
import { redactUrl } from '../session/index';

export { redactUrl };

export const STORE_URL_FORMS =
  'file:/abs/dir, file:./rel/dir, postgres://..., postgresql://..., mongodb://... or mongodb+srv://..., each optionally prefixed by encrypted: (keys from WAWEB_ENCRYPTION_KEYS)';
const ENCRYPTED_PREFIX = 'encrypted:';

/** Where a store URL comes from when `--store` is not given: passwords on the command line show in `ps` and shell history. */
export const STORE_URL_ENV = 'WAWEB_STORE_URL';

/** `--store`'s value, or `WAWEB_STORE_URL` when the flag is absent (an empty variable counts as absent). */
export function storeUrlOption(value: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (value !== undefined) return value;
  const fromEnv = env[STORE_URL_ENV];
  return fromEnv === undefined || fromEnv === '' ? undefined : fromEnv;
}

export interface OpenedStore {
  store: SessionStore;
  /** The URL with its password and sensitive query values replaced by `***` (see `redactUrl`), for printing. */
  label: string;
  /** Closes the store and whatever was opened for it (the MongoClient). Idempotent. */
  close(): Promise<void>;
}

function invalid(url: string, why: string): InvalidOptionError {
  return new InvalidOptionError(`store URL ${JSON.stringify(redactUrl(url))} ${why}; supported forms: ${STORE_URL_FORMS}`);
}

/** The database name in a MongoDB URL's path (`mongodb://h1,h2/db?x=y`), `waweb` when absent. */
export function mongoDbName(url: string): string {
  const rest = url.slice(url.indexOf('://') + 3);
  // The host list ends at the first "/" or "?" ("@" and "/" in credentials are percent-encoded).
  const raw = /^[^/?]*\/([^?]*)/.exec(rest)?.[1] ?? '';
  let name: string;
  try {
    name = decodeURIComponent(raw);
  } catch {
    throw invalid(url, 'has a badly encoded database name');
  }
  return name === '' ? 'waweb' : name;
}

function fileDirectory(url: string): string {
  const rest = url.slice('file:'.length);
  if (url.includes('\0') || /%00/i.test(url)) throw invalid(url, 'contains a NUL character');
  let dir: string;
  if (rest.startsWith('//')) {
    try {
      dir = fileURLToPath(url);
    } catch (err) {
      throw invalid(url, `is not a usable file URL (${err instanceof Error ? err.message : String(err)})`);
    }
  } else {
    dir = rest === '' ? '' : path.resolve(rest);
  }
  // `file:`, `file://` and `file:///` name no directory of their own: never a store at the root.
  if (dir === '' || path.parse(dir).root === dir) throw invalid(url, 'names no directory');
  return dir;
}

/** How long a MongoDB URL's client looks for a server before the store reports it unreachable. */
export const MONGO_URL_TIMEOUT_MS = 5000;

/** The scheme of a store URL, through an `encrypted:` prefix (`file`, `postgres`, `mongodb+srv`, ...). */
export function storeScheme(url: string): string | undefined {
  const inner = url.startsWith(ENCRYPTED_PREFIX) ? url.slice(ENCRYPTED_PREFIX.length) : url;
  return /^([a-z][a-z0-9+.-]*):/i.exec(inner)?.[1]?.toLowerCase();
}

/** Where a store URL's leases are looked for: a table (postgres:), a collection (mongodb:), or none. */
export function leasesKind(url: string): 'table' | 'collection' | null {
  const scheme = storeScheme(url);
  if (scheme === 'postgres' || scheme === 'postgresql') return 'table';
  if (scheme === 'mongodb' || scheme === 'mongodb+srv') return 'collection';
  return null;
}

/**
 * Leases in the database a store URL names (`--leases`): `PostgresLeases` for postgres:, `MongoLeases`
 * on the same database as the store for mongodb:, through an `encrypted:` prefix; `name` is their
 * table or collection (default `waweb_leases`). A file: store has no database to hold them.
 */
export function openLeasesUrl(url: string, name?: string): LeaseBackend {
  const inner = url.startsWith(ENCRYPTED_PREFIX) ? url.slice(ENCRYPTED_PREFIX.length) : url;
  const kind = leasesKind(url);
  if (kind === 'table') return new PostgresLeases({ connectionString: inner, ...(name === undefined ? {} : { table: name }) });
  if (kind === 'collection') {
    return new MongoLeases({ url: inner, dbName: mongoDbName(inner), ...(name === undefined ? {} : { collection: name }) });
  }
  throw invalid(url, 'holds no leases: --leases needs a postgres: or mongodb: store');
}

/** Opens the store `url` names. Bad or unsupported URLs are an InvalidOptionError listing the supported forms. */
export function openStoreUrl(url: string): OpenedStore {
  if (typeof url !== 'string' || url.length === 0)
    throw new InvalidOptionError(`a store URL is required; supported forms: ${STORE_URL_FORMS}`);
  if (url.startsWith(ENCRYPTED_PREFIX)) {
    const inner = openStoreUrl(url.slice(ENCRYPTED_PREFIX.length));
    try {
      return { store: new EncryptedStore(inner.store), label: redactUrl(url), close: () => inner.close() };
    } catch (err) {
      void inner.close().catch(() => undefined);
      throw err;
    }
  }
  const label = redactUrl(url);
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();

  if (scheme === 'file') {
    const store = new FileStore({ directory: fileDirectory(url) });
    return { store, label, close: () => store.close() };
  }

  if (scheme === 'postgres' || scheme === 'postgresql') {
    try {
      new URL(url);
    } catch {
      throw invalid(url, 'is not a valid URL');
    }
    const store = new PostgresStore({ connectionString: url });
    return { store, label, close: () => store.close() };
  }

  if (scheme === 'mongodb' || scheme === 'mongodb+srv') {
    if (!/^mongodb(\+srv)?:\/\/[^/?]+/i.test(url)) throw invalid(url, 'names no host');
    // The store owns its client: it looks for a server for 5 s (unless the URL says otherwise) and closes it on close().
    const store = new MongoStore({ url, dbName: mongoDbName(url), connectTimeoutMs: MONGO_URL_TIMEOUT_MS });
    return { store, label, close: () => store.close() };
  }

  throw invalid(url, scheme ? `has an unsupported scheme "${scheme}:"` : 'has no scheme');
}
