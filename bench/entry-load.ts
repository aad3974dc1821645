/**
 * How heavy each entry is to load: builds the package into a temporary folder (tsc, as `npm run
 * build` does) and requires each entry in a fresh Node process, reporting the milliseconds the
 * require took and how many modules it loaded (require.cache), and whether the optional heavy
 * modules (prom-client, qrcode, pg, mongodb) came along.
 *
 *   node -r ts-node/register/transpile-only bench/entry-load.ts [--runs N]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '..');
const HEAVY = ['prom-client', 'qrcode', 'pg', 'mongodb'];
const ENTRIES = ['index', 'wwebjs/index', 'manager/index', 'serve/index', 'session/index'];

interface Load {
  ms: number;
  modules: number;
  heavy: string[];
}

/** Requires `file` in a fresh process: the time of the require and what it left in require.cache. */
function loadOnce(file: string): Load {
  const script = `
    const t = process.hrtime.bigint();
    require(${JSON.stringify(file)});
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    const keys = Object.keys(require.cache);
    const heavy = ${JSON.stringify(HEAVY)}.filter((m) => keys.some((k) => k.includes('/node_modules/' + m + '/')));
    console.log(JSON.stringify({ ms, modules: keys.length, heavy }));
  `;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8' })) as Load;
}

function main(): void {
  const runsArg = process.argv.indexOf('--runs');
  const runs = runsArg === -1 ? 5 : Number(process.argv[runsArg + 1]);
  // Inside the checkout, so the build resolves the dependencies in its node_modules.
  const cache = path.join(root, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const out = mkdtempSync(path.join(cache, 'waweb-entry-load-'));
  try {
    execFileSync(process.execPath, [path.join(root, 'scripts', 'bundle.mjs')], { cwd: root, stdio: 'inherit' });
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', out], {
      cwd: root,
      stdio: 'inherit',
    });
    console.log(`entry            median ms   modules  heavy modules loaded (of ${HEAVY.join(', ')})`);
    for (const entry of ENTRIES) {
      const file = path.join(out, `${entry}.js`);
      if (!existsSync(file)) continue;
      const loads = Array.from({ length: runs }, () => loadOnce(file));
      const ms = loads.map((l) => l.ms).sort((a, b) => a - b)[Math.floor(runs / 2)] ?? 0;
      const last = loads[loads.length - 1] as Load;
      console.log(
        `${entry.padEnd(16)} ${ms.toFixed(0).padStart(9)}   ${String(last.modules).padStart(7)}  ${last.heavy.join(', ') || '-'}`,
      );
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

main();
