/**
 * `waweb/testing` as a third-party store author uses it: a tiny in-memory store written only from
 * docs/stores.md (the contract, ids, errors, maxBytes, signals, close) and the public exports,
 * run through the shipped conformance suite.
 */
import {
  AbortError,
  ErrorCode,
  StoreError,
  assertSessionId,
  type LoadOptions,
  type LoadedSession,
  type SessionStore,
  type StoreCallOptions,
  type StoredGeneration,
} from '../../src/index';
import { describeStoreConformance } from '../../src/testing';

class MemoryStore implements SessionStore {
  readonly name = 'memory';
  /** Set by the test to make every call fail, as a dead backend would. */
  broken = false;
  readonly #sessions = new Map<string, Array<StoredGeneration & { data: Buffer }>>();
  #closed = false;

  constructor(readonly keep: number) {}

  #check(sessionId: string, options?: StoreCallOptions): void {
    if (this.#closed) throw new StoreError('MemoryStore is closed');
    assertSessionId(sessionId);
    if (options?.signal?.aborted) throw new AbortError('MemoryStore: aborted');
    if (this.broken)
      throw new StoreError('MemoryStore: backend down', { code: ErrorCode.STORE_UNREACHABLE, cause: new Error('ECONNREFUSED') });
  }

  async exists(sessionId: string, options?: StoreCallOptions): Promise<boolean> {
    return (await this.list(sessionId, options)).length > 0;
  }

  async save(sessionId: string, data: Buffer, options?: StoreCallOptions): Promise<StoredGeneration> {
    this.#check(sessionId, options);
    const kept = this.#sessions.get(sessionId) ?? [];
    const entry = {
      sessionId,
      generation: (kept[0]?.generation ?? 0) + 1,
      createdAt: new Date(),
      bytes: data.length,
      data: Buffer.from(data),
    };
    this.#sessions.set(sessionId, [entry, ...kept].slice(0, this.keep));
    return { sessionId, generation: entry.generation, createdAt: entry.createdAt, bytes: entry.bytes };
  }

  async load(sessionId: string, options?: LoadOptions): Promise<LoadedSession | null> {
    this.#check(sessionId, options);
    const kept = this.#sessions.get(sessionId) ?? [];
    const entry = options?.generation === undefined ? kept[0] : kept.find((g) => g.generation === options.generation);
    if (!entry) return null;
    if (options?.maxBytes !== undefined && entry.bytes > options.maxBytes) {
      throw new StoreError(`MemoryStore: ${entry.bytes} bytes, more than maxBytes (${options.maxBytes})`, {
        code: ErrorCode.DATA_TOO_LARGE,
      });
    }
    return { ...entry, data: Buffer.from(entry.data) };
  }

  async list(sessionId: string, options?: StoreCallOptions): Promise<StoredGeneration[]> {
    this.#check(sessionId, options);
    return (this.#sessions.get(sessionId) ?? []).map(({ sessionId: id, generation, createdAt, bytes }) => ({
      sessionId: id,
      generation,
      createdAt,
      bytes,
    }));
  }

  async delete(sessionId: string, options?: StoreCallOptions): Promise<void> {
    this.#check(sessionId, options);
    this.#sessions.delete(sessionId);
  }

  async close(): Promise<void> {
    this.#closed = true;
  }
}

describeStoreConformance(
  'MemoryStore (written from the public docs)',
  async () => {
    const store = new MemoryStore(3);
    return {
      store,
      cleanup: async () => undefined,
      breakBackend: async () => {
        store.broken = true;
      },
    };
  },
  { keep: 3, largeBytes: 1024 * 1024 },
);
