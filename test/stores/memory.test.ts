/**
 * `waweb/testing` as a third-party store author uses it: the in-memory driver of docs/stores.md
 * ("Writing your own store"), kept in fixtures/memory-driver.ts, run through the shipped conformance
 * suite. It checks no ids, closed store, sizes, signals or deadlines of its own: `createStore` does.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { StoreDriver } from '../../src/index';
import { describeStoreDriverConformance } from '../../src/testing';
import { memoryDriver } from './fixtures/memory-driver';

const FIXTURE = path.join(__dirname, 'fixtures', 'memory-driver.ts');
const DOC = path.join(__dirname, '..', '..', 'docs', 'stores.md');

/**
 * `driver` with a switch that makes every operation fail as a dead backend would (a plain `Error`,
 * as a database client throws it). Fault injection for `breakBackend`, not part of the driver.
 */
function breakable<Handle>(driver: StoreDriver<Handle>): { driver: StoreDriver<Handle>; breakBackend(): Promise<void> } {
  let broken = false;
  const check = (): void => {
    if (broken) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
  };
  return {
    driver: {
      ...driver,
      list: async (id, context) => {
        check();
        return driver.list(id, context);
      },
      read: async (id, generation, context) => {
        check();
        return driver.read(id, generation, context);
      },
      write: async (id, data, context) => {
        check();
        return driver.write(id, data, context);
      },
      remove: async (id, context) => {
        check();
        return driver.remove(id, context);
      },
    },
    breakBackend: async () => {
      broken = true;
    },
  };
}

describeStoreDriverConformance('MemoryStore (the driver in docs/stores.md)', async () => breakable(memoryDriver(3)), {
  keep: 3,
  largeBytes: 1024 * 1024,
});

describe('the memory driver of docs/stores.md', () => {
  it('is the code the page shows, with the package import pointing at the source', async () => {
    const doc = await fs.readFile(DOC, 'utf8');
    const section = doc.slice(doc.indexOf('## Writing your own store'));
    const block = /```ts\n(import \{ defineStoreDriver[\s\S]*?)```/.exec(section)?.[1];
    expect(block).toBeDefined();
    const fixture = await fs.readFile(FIXTURE, 'utf8');
    expect(fixture.replace("from '../../../src/index';", "from 'waweb';")).toBe(block);
  });
});
