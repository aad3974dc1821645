/**
 * What `createStore(driver)` does for every driver, so drivers do not: checks before the driver is
 * called, the deadline and signals, error translation, the optional capabilities and their
 * fallbacks, `close()`. The conformance suite runs over the in-memory driver in memory.test.ts.
 */
import {
  ErrorCode,
  InvalidOptionError,
  LeaseError,
  StoreError,
  WawebError,
  createStore,
  defineStoreDriver,
  type DriverGeneration,
  type StoreDriver,
} from '../../src/index';
import { memoryDriver } from './fixtures/memory-driver';

/** The memory driver with every call recorded. */
function recorded(driver: StoreDriver = memoryDriver(3)): { driver: StoreDriver; calls: string[] } {
  const calls: string[] = [];
  const wrapped: StoreDriver = {
    ...driver,
    list: (id, context) => {
      calls.push(`list ${id}`);
      return driver.list(id, context);
    },
    read: (id, generation, context) => {
      calls.push(`read ${id} ${generation.generation}`);
      return driver.read(id, generation, context);
    },
    write: (id, data, context) => {
      calls.push(`write ${id}`);
      return driver.write(id, data, context);
    },
    remove: (id, context) => {
      calls.push(`remove ${id}`);
      return driver.remove(id, context);
    },
  };
  return { driver: wrapped, calls };
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: unknown) => err,
  );
}

describe('defineStoreDriver', () => {
  it('returns the driver it was given', () => {
    const driver = memoryDriver();
    expect(defineStoreDriver(driver)).toBe(driver);
  });

  it.each([
    ['no object', null],
    ['no name', { ...memoryDriver(), name: '' }],
    ['no read()', { ...memoryDriver(), read: undefined }],
    ['an exists that is no function', { ...memoryDriver(), exists: true }],
    ['a callTimeout of 0 ms', { ...memoryDriver(), callTimeout: { ms: 0 } }],
    ['a stableGenerations that is no boolean', { ...memoryDriver(), stableGenerations: 'no' }],
    ['mark() without removeGeneration()', { ...memoryDriver(), mark: async () => null }],
    ['removeGeneration() without mark()', { ...memoryDriver(), removeGeneration: async () => false }],
  ])('refuses a driver with %s, and so does createStore', (_what, driver) => {
    expect(() => defineStoreDriver(driver as unknown as StoreDriver)).toThrow(InvalidOptionError);
    expect(() => createStore(driver as unknown as StoreDriver)).toThrow(InvalidOptionError);
  });
});

describe('createStore', () => {
  it('refuses bad ids, non-buffers, bad generations and a closed store without calling the driver', async () => {
    const { driver, calls } = recorded();
    const store = createStore(driver);
    expect(await rejectionOf(store.save('../x', Buffer.from('x')))).toMatchObject({ code: ErrorCode.INVALID_SESSION_ID });
    expect(await rejectionOf(store.save('a', 'text' as unknown as Buffer))).toBeInstanceOf(InvalidOptionError);
    expect(await rejectionOf(store.load('a', { generation: 0 }))).toBeInstanceOf(InvalidOptionError);
    expect(await rejectionOf(store.load('a', { maxBytes: -1 }))).toBeInstanceOf(InvalidOptionError);
    await store.close();
    expect(await rejectionOf(store.list('a'))).toMatchObject({ code: ErrorCode.STORE_FAILED });
    expect(calls).toEqual([]);
  });

  it('refuses a listed generation over maxBytes without reading it, and data over it after reading', async () => {
    const { driver, calls } = recorded();
    const store = createStore(driver);
    await store.save('big', Buffer.alloc(100));
    calls.length = 0;
    expect(await rejectionOf(store.load('big', { maxBytes: 99 }))).toMatchObject({ code: ErrorCode.DATA_TOO_LARGE });
    expect(calls).toEqual(['list big']);
    // A driver that lists no size (0, unknown) is checked on what read() returned.
    const unsized = createStore({
      ...driver,
      list: async (id, context) => (await driver.list(id, context)).map((g) => ({ ...g, bytes: 0 })),
    });
    expect(await rejectionOf(unsized.load('big', { maxBytes: 99 }))).toMatchObject({ code: ErrorCode.DATA_TOO_LARGE });
  });

  it('hands read() the handle list() gave, and lists again when the newest was pruned in between', async () => {
    const seen: unknown[] = [];
    let pruned = 1;
    const driver = defineStoreDriver<string>({
      name: 'handles',
      list: async (sessionId) => [{ sessionId, generation: 2, createdAt: new Date(), bytes: 3, handle: `h${pruned}` }],
      read: async (_id, generation: DriverGeneration<string>) => {
        seen.push(generation.handle);
        return pruned-- > 0 ? null : Buffer.from('abc');
      },
      write: () => Promise.reject(new Error('unused')),
      remove: async () => undefined,
    });
    const loaded = await createStore(driver).load('s');
    expect(loaded?.data.toString()).toBe('abc');
    expect(seen).toEqual(['h1', 'h0']);
  });

  it('ends a call at callTimeout with TIMEOUT naming the option, and aborts the signal the driver got', async () => {
    let driverSignal: AbortSignal | undefined;
    const store = createStore({
      ...memoryDriver(),
      callTimeout: { ms: 50, option: 'requestTimeoutMs' },
      list: (_id, { signal }) => {
        driverSignal = signal;
        return new Promise<never>(() => undefined);
      },
    });
    const err = await rejectionOf(store.list('slow'));
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).code).toBe(ErrorCode.TIMEOUT);
    expect((err as StoreError).message).toContain('requestTimeoutMs');
    expect(driverSignal?.aborted).toBe(true);
  });

  it('ends a call when its signal fires, and aborts the signal the driver got', async () => {
    let driverSignal: AbortSignal | undefined;
    const store = createStore({
      ...memoryDriver(),
      remove: (_id, { signal }) => {
        driverSignal = signal;
        return new Promise<never>(() => undefined);
      },
    });
    const controller = new AbortController();
    const deleting = rejectionOf(store.delete('s', { signal: controller.signal }));
    controller.abort();
    expect(await deleting).toMatchObject({ code: ErrorCode.ABORTED });
    expect(driverSignal?.aborted).toBe(true);
  });

  it('turns thrown errors into StoreErrors with the cause, unreachable where isUnreachable says so', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const failing = { ...memoryDriver(), list: () => Promise.reject(refused) };
    const plain = await rejectionOf(createStore(failing).list('s'));
    expect(plain).toBeInstanceOf(StoreError);
    expect(plain).toMatchObject({ code: ErrorCode.STORE_FAILED, cause: refused });
    const classified = createStore({ ...failing, isUnreachable: (err: unknown) => (err as { code?: unknown }).code === 'ECONNREFUSED' });
    expect(await rejectionOf(classified.list('s'))).toMatchObject({ code: ErrorCode.STORE_UNREACHABLE, cause: refused });
    // A driver that throws synchronously is translated the same way.
    const sync = createStore({
      ...memoryDriver(),
      exists: () => {
        throw refused;
      },
    });
    expect(await rejectionOf(sync.exists('s'))).toMatchObject({ code: ErrorCode.STORE_FAILED, cause: refused });
  });

  it("lets waweb's own errors through as thrown", async () => {
    const fenced = new LeaseError(ErrorCode.FENCED, 's', 'a newer owner has the session');
    const store = createStore({ ...memoryDriver(), write: () => Promise.reject(fenced) });
    expect(await rejectionOf(store.save('s', Buffer.from('x')))).toBe(fenced);
  });

  it('answers exists() from list() unless the driver has exists()', async () => {
    const { driver, calls } = recorded();
    const store = createStore(driver);
    expect(await store.exists('e')).toBe(false);
    expect(calls).toEqual(['list e']);
    const own = createStore({ ...driver, exists: async () => true });
    calls.length = 0;
    expect(await own.exists('e')).toBe(true);
    expect(calls).toEqual([]);
  });

  it('says fencing: true only for a driver with raiseFence, and hands write() the fence then', async () => {
    const plain = createStore(memoryDriver());
    expect(plain.fencing).toBe(false);
    expect(await rejectionOf(plain.save('f', Buffer.from('x'), { fence: 1 }))).toBeInstanceOf(InvalidOptionError);
    expect(await rejectionOf(plain.raiseFence!('f', 1))).toBeInstanceOf(InvalidOptionError);

    const fences: Array<number | undefined> = [];
    const base = memoryDriver();
    const fencing = createStore({
      ...base,
      write: (id, data, context) => {
        fences.push(context.fence);
        return base.write(id, data, context);
      },
      raiseFence: async (_id, token) => token,
    });
    expect(fencing.fencing).toBe(true);
    await fencing.save('f', Buffer.from('x'), { fence: 4 });
    await fencing.save('f', Buffer.from('y'));
    expect(fences).toEqual([4, undefined]);
    expect(await fencing.raiseFence!('f', 5)).toBe(5);
    expect(await rejectionOf(fencing.save('f', Buffer.from('z'), { fence: 0 }))).toBeInstanceOf(InvalidOptionError);
  });

  it('hands remove() the fence on a fencing store, and refuses a fenced delete without fencing before the driver', async () => {
    const { driver, calls } = recorded();
    const plain = createStore(driver);
    expect(await rejectionOf(plain.delete('d', { fence: 1 }))).toBeInstanceOf(InvalidOptionError);
    expect(calls).toEqual([]);

    const fences: Array<number | undefined> = [];
    const base = memoryDriver();
    const fencing = createStore({
      ...base,
      remove: (id, context) => {
        fences.push(context.fence);
        return base.remove(id, context);
      },
      raiseFence: async (_id, token) => token,
    });
    await fencing.delete('d', { fence: 3 });
    await fencing.delete('d');
    expect(fences).toEqual([3, undefined]);
    expect(await rejectionOf(fencing.delete('d', { fence: 1.5 }))).toBeInstanceOf(InvalidOptionError);
    expect(fences).toHaveLength(2);
  });

  it('hands write() ifNewest when the driver has conditionalWrites, and checks a listing first otherwise', async () => {
    const seen: Array<number | undefined> = [];
    const base = memoryDriver();
    const conditional = createStore({
      ...base,
      conditionalWrites: true,
      write: (id, data, context) => {
        seen.push(context.ifNewest);
        return base.write(id, data, context);
      },
    });
    await conditional.save('c', Buffer.from('x'), { ifNewest: 0 });
    await conditional.save('c', Buffer.from('y'));
    expect(seen).toEqual([0, undefined]);

    const { driver, calls } = recorded();
    const plain = createStore(driver);
    const first = await plain.save('c', Buffer.from('x'), { ifNewest: 0 });
    expect(calls).toEqual(['list c', 'write c']);
    const err = await rejectionOf(plain.save('c', Buffer.from('y'), { ifNewest: first.generation + 1 }));
    expect(err).toBeInstanceOf(StoreError);
    expect(err).toMatchObject({ code: ErrorCode.GENERATION_CHANGED });
    expect(calls).toEqual(['list c', 'write c', 'list c']);
    expect(await rejectionOf(plain.save('c', Buffer.from('y'), { ifNewest: -1 }))).toBeInstanceOf(InvalidOptionError);
    expect(() => createStore({ ...memoryDriver(), conditionalWrites: 'yes' } as unknown as StoreDriver)).toThrow(InvalidOptionError);
  });

  it('has marks, mark() and deleteGeneration() only for a driver with mark and removeGeneration, and hands them the listed generation', async () => {
    const plain = createStore(memoryDriver());
    expect(plain.marks).toBe(false);
    expect(typeof plain.mark).toBe('undefined');
    expect(typeof plain.deleteGeneration).toBe('undefined');

    const base = memoryDriver();
    const handed: string[] = [];
    const marking = createStore({
      ...base,
      list: async (id, context) => (await base.list(id, context)).map((g) => ({ ...g, handle: `h${g.generation}` })),
      mark: async (_id, generation, mark) => {
        handed.push(`mark ${String(generation.handle)} ${JSON.stringify(mark)}`);
        return { ...generation, loggedInAt: new Date(0) };
      },
      removeGeneration: async (_id, generation) => {
        handed.push(`remove ${String(generation.handle)}`);
        return true;
      },
    });
    expect(marking.marks).toBe(true);
    await marking.save('m', Buffer.from('x'));
    const marked = await marking.mark?.('m', 1, { loggedIn: true });
    // What the driver returned, without its handle.
    expect(marked).toEqual({ sessionId: 'm', generation: 1, createdAt: expect.any(Date), bytes: 1, loggedInAt: new Date(0) });
    expect(await marking.mark?.('m', 2, { loggedIn: true })).toBeNull();
    expect(await marking.deleteGeneration?.('m', 1)).toBe(true);
    expect(await marking.deleteGeneration?.('m', 2)).toBe(false);
    expect(handed).toEqual(['mark h1 {"loggedIn":true}', 'remove h1']);
    expect(
      await rejectionOf(marking.mark?.('m', 1, { setAside: { reason: 'NOPE', detail: '' } } as never) ?? Promise.resolve()),
    ).toBeInstanceOf(InvalidOptionError);
    expect(await rejectionOf(marking.deleteGeneration?.('m', 0) ?? Promise.resolve())).toBeInstanceOf(InvalidOptionError);
    await marking.close();
    expect(await rejectionOf(marking.mark?.('m', 1, { loggedIn: true }) ?? Promise.resolve())).toBeInstanceOf(StoreError);
  });

  it('calls dispose() once however often the store is closed, and a failing dispose() does not reject close()', async () => {
    let disposed = 0;
    const store = createStore({
      ...memoryDriver(),
      dispose: async () => {
        disposed += 1;
        throw new Error('already gone');
      },
    });
    await store.close();
    await store.close();
    await store[Symbol.asyncDispose]();
    expect(disposed).toBe(1);
  });

  it('takes its name, label and stableGenerations from the driver', async () => {
    const store = createStore({ ...memoryDriver(), stableGenerations: false });
    expect(store.name).toBe('memory');
    expect(store.stableGenerations).toBe(false);
    const err = await rejectionOf(createStore({ ...memoryDriver(), list: () => Promise.reject(new Error('x')) }).list('s'));
    expect(err).toBeInstanceOf(WawebError);
    expect((err as Error).message).toContain('MemoryStore');
  });
});
