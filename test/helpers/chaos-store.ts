/**
 * A store decorator for the chaos soak's workers: every save is reported before it reaches the
 * store (`save-begin`: the session, the fencing token it carries and the SHA-256 of its bytes) and
 * after (`save-end`: the generation, or the error's code). The soak reads the newest stored
 * generation back, hashes it and so knows which lease token wrote what the store serves as newest,
 * even for a write whose worker was killed or frozen before it could say so: `save-begin` goes out
 * on stdout (a pipe, written synchronously on Linux) before the first byte reaches the database.
 */
import { createHash } from 'node:crypto';
import type { SaveOptions, SessionStore, StoredGeneration } from '../../src/index';

export type SaveReport =
  | { type: 'save-begin'; session: string; token: number | null; sha: string; bytes: number }
  | { type: 'save-end'; session: string; token: number | null; sha: string; generation: number | null; code: string | null };

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** `store` with its `save` reported through `report` (and no `saveStream`); every other member is the store's own. */
export function reportingSaves(store: SessionStore, report: (r: SaveReport) => void): SessionStore {
  const save = async (sessionId: string, data: Buffer, options?: SaveOptions): Promise<StoredGeneration> => {
    const sha = sha256(data);
    const token = options?.fence ?? null;
    report({ type: 'save-begin', session: sessionId, token, sha, bytes: data.length });
    try {
      const saved = await store.save(sessionId, data, options);
      report({ type: 'save-end', session: sessionId, token, sha, generation: saved.generation, code: null });
      return saved;
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      report({ type: 'save-end', session: sessionId, token, sha, generation: null, code: typeof code === 'string' ? code : 'UNKNOWN' });
      throw err;
    }
  };
  // The store's own methods keep their `this` (EncryptedStore reads its private key ring).
  return new Proxy(store, {
    get(target, property) {
      if (property === 'save') return save;
      // No streamed saves: saveStreamTo then gathers the bytes and calls the reported `save`, whose
      // report needs the whole copy's hash before its first byte reaches the database.
      if (property === 'saveStream') return undefined;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
