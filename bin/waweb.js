#!/usr/bin/env node
'use strict';
// The waweb command. In a source checkout (src/ and esbuild present) it runs
// the sources, so it never runs a stale build; an installed package runs dist/.
const { existsSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
function devDependency(name) {
  try {
    return require(require.resolve(name, { paths: [root] }));
  } catch {
    return undefined;
  }
}

/**
 * TypeScript sources compiled file by file as they are required (esbuild strips the types; the
 * type check is `npm run typecheck`'s job). Ten times quicker to start than ts-node, which the
 * tests that run this command hundreds of times feel.
 */
function registerTypeScript(esbuild) {
  require.extensions['.ts'] = (module, filename) => {
    const source = readFileSync(filename, 'utf8');
    const { code } = esbuild.transformSync(source, {
      loader: 'ts',
      format: 'cjs',
      target: 'node20',
      // import() as require(), as tsc does for CommonJS: Node's ESM loader knows no .ts.
      supported: { 'dynamic-import': false },
      sourcefile: filename,
      sourcemap: 'inline',
    });
    module._compile(code, filename);
  };
}

let cli;
const esbuild = existsSync(join(root, 'src', 'cli', 'index.ts')) ? devDependency('esbuild') : undefined;
if (esbuild) {
  require('node:child_process').execFileSync(process.execPath, [join(root, 'scripts', 'bundle.mjs')], { stdio: 'inherit' });
  registerTypeScript(esbuild);
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
