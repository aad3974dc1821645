// Lints code snippets as if each stood in a given file of the repository, with the project's own
// ESLint config, and prints the rule ids each one breaks as JSON. Run by test/unit/lint-rules.test.ts
// in a child process: ESLint loads its config with a dynamic import, which jest's module VM refuses.
//   stdin:  [{ "file": "src/x/y.ts", "code": "..." }, ...]
//   stdout: [["rule-id", ...], ...]
import { ESLint } from 'eslint';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const eslint = new ESLint({ cwd: root });
let input = '';
for await (const chunk of process.stdin) input += chunk;
const out = [];
for (const { file, code } of JSON.parse(input)) {
  const results = await eslint.lintText(code, { filePath: path.join(root, file) });
  out.push(results.flatMap((r) => r.messages.map((m) => m.ruleId ?? `fatal: ${m.message}`)));
}
process.stdout.write(JSON.stringify(out));
