/**
 * `npm run torture [-- --cycles N]`: the crash torture of issue 14 at full length (default 200
 * cycles) on a local simulator: change → save → SIGKILL at a random point of the save → restore
 * into a fresh folder from the store, without a QR, from the newest stored generation. Prints the
 * kills per phase and exits 1 when any restore failed. The test suite runs a short version
 * (test/e2e/crash-torture.test.ts).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WhatsAppSimulator } from '../src/simulator';
import { LANDED, torture } from '../test/helpers/torture';

async function main(): Promise<number> {
  const at = process.argv.indexOf('--cycles');
  const cycles = at === -1 ? 200 : Number(process.argv[at + 1]);
  if (!Number.isInteger(cycles) || cycles < 1 || cycles > 10_000) throw new Error('--cycles must be an integer from 1 to 10000');
  const work = await mkdtemp(join(tmpdir(), 'waweb-torture-'));
  const sim = await WhatsAppSimulator.start();
  try {
    const result = await torture({
      sim,
      work,
      phone: '15553008100',
      cycles,
      log: (line) => {
        if (Number(/cycle (\d+)\//.exec(line)?.[1]) % 20 === 0) console.log(line);
      },
    });
    console.log(`\ncrash torture: ${result.cycles} cycles in ${(result.ms / 1000).toFixed(1)} s`);
    console.log('| kill landed | count |\n|---|---|');
    for (const phase of LANDED) console.log(`| ${phase} | ${result.kills[phase]} |`);
    console.log(
      `restores without a QR from the newest generation: ${result.restored}/${result.cycles}; newest generation ${result.generations}`,
    );
    for (const f of result.failures) console.log(`FAILED: ${f}`);
    return result.failures.length === 0 && result.restored === result.cycles ? 0 : 1;
  } finally {
    await sim.close();
    await rm(work, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
