/**
 * Issue 14, crash torture, short: a few cycles of (change → save → SIGKILL at a random point of the
 * save → restore into a fresh folder). `npm run torture` runs 200 (bench/torture.ts).
 */
import { torture } from '../helpers/torture';
import { tempDir, type TempDir } from '../helpers/tmp';
import { useSimulator } from '../helpers/use-simulator';

const env = useSimulator();
let work: TempDir;
beforeEach(async () => {
  work = await tempDir('waweb-torture-');
});
afterEach(async () => {
  await work.remove();
});

test('every kill during a save restores without a QR, from the newest stored generation', async () => {
  const cycles = 6;
  const result = await torture({ sim: env.sim, work: work.path, phone: '15553008001', cycles });
  console.log(`crash torture: ${JSON.stringify(result)}`);
  expect(result.failures).toEqual([]);
  expect(result.restored).toBe(cycles);
  expect(Object.values(result.kills).reduce((a, b) => a + b, 0)).toBe(cycles);
  expect(result.generations).toBeGreaterThanOrEqual(2);
}, 300_000);
