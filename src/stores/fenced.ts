/**
 * A view of a fencing store whose saves all carry the current fencing token: what one owner of a
 * session hands to RemoteAuth, so every backup it takes is refused once a newer owner exists.
 */
import { InvalidOptionError } from '../errors';
import type {
  DeleteOptions,
  GenerationMark,
  LoadOptions,
  LoadedSession,
  RewriteOptions,
  SaveOptions,
  SessionSource,
  SessionStore,
  StoreCallOptions,
  StoredGeneration,
} from './types';

/**
 * `store` with `fence: token()` on every save (streaming ones too), every delete and every rewrite (so
 * RemoteAuth's logout is refused once a newer owner exists, without RemoteAuth knowing of tokens); the
 * other save options (`ifNewest`, `signal`), `loadStream`, its marks (`mark`, `deleteGeneration`) and
 * `listSessions` pass through.
 * Closing the view leaves `store` open (it is shared).
 * Throws `InvalidOptionError` when `store` has no fencing (`store.fencing !== true`).
 */
export function withFence(store: SessionStore, token: () => number): SessionStore {
  if (store.fencing !== true) {
    throw new InvalidOptionError(`the ${store.name} store does not support fencing tokens: use PostgresStore or MongoStore`);
  }
  const view: SessionStore = {
    name: store.name,
    fencing: true,
    ...(store.stableGenerations === undefined ? {} : { stableGenerations: store.stableGenerations }),
    raiseFence: (sessionId: string, value: number, options?: StoreCallOptions) =>
      (store.raiseFence as NonNullable<SessionStore['raiseFence']>).call(store, sessionId, value, options),
    exists: (sessionId: string, options?: StoreCallOptions) => store.exists(sessionId, options),
    save: (sessionId: string, data: Buffer, options?: SaveOptions): Promise<StoredGeneration> =>
      store.save(sessionId, data, { ...options, fence: token() }),
    load: (sessionId: string, options?: LoadOptions): Promise<LoadedSession | null> => store.load(sessionId, options),
    list: (sessionId: string, options?: StoreCallOptions) => store.list(sessionId, options),
    delete: (sessionId: string, options?: DeleteOptions) => store.delete(sessionId, { ...options, fence: token() }),
    close: () => Promise.resolve(),
  };
  const rewrite = store.rewriteGeneration?.bind(store);
  if (rewrite) {
    view.rewriteGeneration = (sessionId: string, generation: number, data: Buffer, options?: RewriteOptions) =>
      rewrite(sessionId, generation, data, { ...options, fence: token() });
  }
  const saveStream = store.saveStream?.bind(store);
  if (saveStream) {
    view.saveStream = (sessionId: string, source: SessionSource, options?: SaveOptions) =>
      saveStream(sessionId, source, { ...options, fence: token() });
  }
  const loadStream = store.loadStream?.bind(store);
  if (loadStream) view.loadStream = (sessionId: string, options?: LoadOptions) => loadStream(sessionId, options);
  const sessions = store.listSessions?.bind(store);
  if (sessions) view.listSessions = (options?: StoreCallOptions) => sessions(options);
  if (store.marks === true && store.mark !== undefined && store.deleteGeneration !== undefined) {
    return {
      ...view,
      marks: true,
      mark: async (sessionId: string, generation: number, mark: GenerationMark, options?: StoreCallOptions) =>
        (await store.mark?.(sessionId, generation, mark, options)) ?? null,
      deleteGeneration: async (sessionId: string, generation: number, options?: StoreCallOptions) =>
        (await store.deleteGeneration?.(sessionId, generation, options)) ?? false,
    };
  }
  return view;
}
