/**
 * The jest frame the simulator test files share. A `use…` call at the top of a
 * file registers the hooks and returns an object whose fields those hooks set:
 * read them inside tests and hooks, never at the top level.
 */
import { WhatsAppSimulator, type SimulatorOptions } from '../../src/simulator';
import { tempDir, type TempDir } from './tmp';

export interface SimulatorEnv {
  readonly sim: WhatsAppSimulator;
}

/** What a test starts and must stop: `stopAll()` destroys every client and proves nothing is left. */
export interface Harness {
  stopAll(): Promise<void>;
}

export type HarnessEnv<H> = { readonly work: TempDir } & Readonly<H>;

/**
 * One simulator for the file's tests: started before them, closed after them.
 * `beforeClose` runs in that last hook first (to close what still uses it).
 */
export function useSimulator(options?: SimulatorOptions, beforeClose?: () => Promise<unknown>): SimulatorEnv {
  const env: { sim?: WhatsAppSimulator } = {};
  beforeAll(async () => {
    env.sim = await WhatsAppSimulator.start(options);
  });
  afterAll(async () => {
    await beforeClose?.();
    await env.sim?.close();
  });
  return env as SimulatorEnv;
}

/**
 * For each test a fresh temporary folder (`prefix`) and the harnesses `make`
 * builds on it. After each test, a failed one too: `stop` (by default every
 * harness's `stopAll()`, one after the other), then the folder is removed.
 */
export function useHarnesses<H extends Record<string, Harness>>(
  prefix: string | undefined,
  make: (dir: string) => H,
  stop: (harnesses: H) => Promise<unknown> = stopInOrder,
): HarnessEnv<H> {
  const env = {} as { work: TempDir } & H;
  let made: H;
  beforeEach(async () => {
    env.work = await tempDir(prefix);
    made = make(env.work.path);
    Object.assign(env, made);
  });
  afterEach(async () => {
    try {
      await stop(made);
    } finally {
      await env.work?.remove();
    }
  });
  return env;
}

/** {@link useSimulator} (default options) and {@link useHarnesses} built on that simulator. */
export function useSimulatorHarnesses<H extends Record<string, Harness>>(
  prefix: string | undefined,
  make: (sim: WhatsAppSimulator, dir: string) => H,
  stop?: (harnesses: H) => Promise<unknown>,
): SimulatorEnv & HarnessEnv<H> {
  const simulator = useSimulator();
  const perTest = useHarnesses(prefix, (dir) => make(simulator.sim, dir), stop);
  return Object.defineProperty(perTest, 'sim', { get: () => simulator.sim }) as SimulatorEnv & HarnessEnv<H>;
}

async function stopInOrder(harnesses: Record<string, Harness>): Promise<void> {
  for (const h of Object.values(harnesses)) await h.stopAll();
}

/**
 * {@link useSimulator} for tests that open pages on it: `pages` are closed
 * after each test, and before the simulator closes.
 */
export function useSimulatorWithPages(pages: { closeAll(): Promise<void> }, options?: SimulatorOptions): SimulatorEnv {
  const env = useSimulator(options, () => pages.closeAll());
  afterEach(async () => {
    await pages.closeAll();
  });
  return env;
}
