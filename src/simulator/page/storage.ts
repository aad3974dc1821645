/**
 * The page's session state, kept where the real app keeps it: key pairs as
 * non-extractable CryptoKeys and the issued credentials in the origin's
 * IndexedDB, a small marker in localStorage. A session restores only when both
 * survive, so a backup that misses either (or copies localStorage before it
 * reached disk) comes back to a QR, exactly as with the real app.
 */
import type { SessionInfo } from '../protocol';

const DB_NAME = 'wawc';
const DB_VERSION = 1;
export const LS_LAST_WID = 'last-wid-md';
export const LS_DEVICE = 'WASimDeviceId';

export interface KeyPairRecord {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  /** Raw public key bytes. */
  pub: Uint8Array;
}

export interface StoredKeys {
  identity: KeyPairRecord;
  noise: KeyPairRecord;
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
}

export class PageStorage {
  private constructor(private readonly db: IDBDatabase) {}

  static async open(): Promise<PageStorage> {
    const req = indexedDB.open(DB_NAME, DB_VERSION);
    req.onupgradeneeded = () => {
      const db = req.result;
      for (const name of ['keys', 'session', 'history']) {
        if (!db.objectStoreNames.contains(name)) db.createObjectStore(name);
      }
    };
    return new PageStorage(await request(req));
  }

  private async get<T>(store: string, key: string): Promise<T | undefined> {
    const tx = this.db.transaction(store, 'readonly');
    const value: unknown = await request(tx.objectStore(store).get(key));
    return value as T | undefined;
  }

  private async put(store: string, key: string, value: unknown): Promise<void> {
    const tx = this.db.transaction(store, 'readwrite');
    tx.objectStore(store).put(value, key);
    await done(tx);
  }

  /** Loads the device's key pairs, creating them on first use. */
  async keys(): Promise<StoredKeys> {
    const existing = await this.get<StoredKeys>('keys', 'pairs');
    if (existing) return existing;
    const identity = await generate({ name: 'Ed25519' }, ['sign', 'verify']);
    const noise = await generate({ name: 'X25519' }, ['deriveBits']);
    const keys: StoredKeys = { identity, noise };
    await this.put('keys', 'pairs', keys);
    return keys;
  }

  /** The stored credentials, only when IndexedDB and the localStorage marker agree. */
  async session(): Promise<SessionInfo | null> {
    const stored = await this.get<SessionInfo>('session', 'current');
    if (!stored) return null;
    if (localStorage.getItem(LS_DEVICE) !== stored.deviceId) return null;
    return stored;
  }

  async saveSession(session: SessionInfo): Promise<void> {
    await this.put('session', 'current', session);
    localStorage.setItem(LS_DEVICE, session.deviceId);
    localStorage.setItem(LS_LAST_WID, JSON.stringify(session.wid._serialized));
  }

  async appendHistory(seq: number, chunk: string): Promise<void> {
    await this.put('history', `chunk-${String(seq).padStart(8, '0')}`, chunk);
  }

  /** Forgets everything: credentials, keys, history and localStorage. */
  async wipe(): Promise<void> {
    const tx = this.db.transaction(['keys', 'session', 'history'], 'readwrite');
    for (const name of ['keys', 'session', 'history']) tx.objectStore(name).clear();
    await done(tx);
    localStorage.clear();
  }

  async sign(keys: StoredKeys, data: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
    const sig = await crypto.subtle.sign({ name: 'Ed25519' }, keys.identity.privateKey, data);
    return new Uint8Array(sig);
  }
}

async function generate(algorithm: AlgorithmIdentifier, usages: KeyUsage[]): Promise<KeyPairRecord> {
  // Private keys are created non-extractable: they can live only in this profile's IndexedDB.
  const pair = (await crypto.subtle.generateKey(algorithm, false, usages)) as CryptoKeyPair;
  const pub = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
  return { privateKey: pair.privateKey, publicKey: pair.publicKey, pub };
}

export function toB64(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

export function fromB64(text: string): Uint8Array {
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}
