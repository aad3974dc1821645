import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** Page bundles are generated code: make sure they exist and match the sources. */
export default function globalSetup(): void {
  execFileSync(process.execPath, [join(__dirname, '..', '..', 'scripts', 'bundle.mjs')], { stdio: 'inherit' });
}
