#!/usr/bin/env node
'use strict';
// The waweb command. In a source checkout (src/ and ts-node present) it runs
// the sources, so it never runs a stale build; an installed package runs dist/.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
function hasTsNode() {
  try {
    require.resolve('ts-node', { paths: [root] });
    return true;
  } catch {
    return false;
  }
}

let cli;
if (existsSync(join(root, 'src', 'cli', 'index.ts')) && hasTsNode()) {
  require('node:child_process').execFileSync(process.execPath, [join(root, 'scripts', 'bundle.mjs')], { stdio: 'inherit' });
  require('ts-node').register({ transpileOnly: true, project: join(root, 'tsconfig.json') });
  cli = require(join(root, 'src', 'cli', 'index.ts'));
} else if (existsSync(join(root, 'dist', 'cli', 'index.js'))) {
  cli = require(join(root, 'dist', 'cli', 'index.js'));
} else {
  console.error('waweb: no build found; run `npm run build` first');
  process.exit(1);
}
cli.main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    console.error(`waweb: ${err && err.message ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
