/**
 * The conformance suite for a store driver (a `StoreDriver` for `createStore`): the same tests as
 * `describeStoreConformance`, run against `createStore(driver)`, so a driver author passes drivers
 * around and never builds the store themselves.
 *
 *   describeStoreDriverConformance('MyDriver', async () => ({
 *     driver: myDriver({ ... }),
 *     cleanup: async () => { ... },         // drop the namespace the driver used
 *     breakBackend: async () => { ... },    // make the backend fail from now on
 *   }), { keep: 3 });
 */
import { createStore, type StoreDriver } from '../index';
import { describeStoreConformance, type ConformanceFixture, type ConformanceOptions } from './conformance';

export interface DriverConformanceFixture<Handle = unknown> extends Omit<ConformanceFixture, 'store' | 'cleanup'> {
  /** A driver over an empty namespace of its own; the suite makes the store with `createStore(driver)`. */
  driver: StoreDriver<Handle>;
  /** Removes the namespace. Runs after every test (after the store's `close()`), pass or fail. @default nothing to do */
  cleanup?(): Promise<void>;
}

/** Registers the conformance tests for `createStore(driver)` over the drivers `factory` makes. */
export function describeStoreDriverConformance<Handle>(
  name: string,
  factory: () => Promise<DriverConformanceFixture<Handle>>,
  options: ConformanceOptions,
): void {
  describeStoreConformance(
    name,
    async () => {
      const fixture = await factory();
      const snapshot = fixture.snapshot?.bind(fixture);
      return {
        store: createStore(fixture.driver),
        cleanup: async () => {
          await fixture.cleanup?.();
        },
        breakBackend: () => fixture.breakBackend(),
        ...(snapshot ? { snapshot } : {}),
      };
    },
    options,
  );
}
