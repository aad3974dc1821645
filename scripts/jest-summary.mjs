// Prints one line from jest's --json output: `N passed, N failed` (plus `, N skipped` when
// tests were skipped or left as todo). A test file that failed to run (syntax error, a
// throwing beforeAll/afterAll, a crashed worker) counts as one failure.
//
//   node scripts/jest-summary.mjs <results.json> [exit code of the test command]
//
// Exit status: 0 when tests ran and none failed; 1 otherwise (including a missing or
// unreadable file, which prints `0 passed, 1 failed`, and zero tests run). When the test
// command's exit code is given and is non-zero but the file shows no failure, one failure
// is counted so that the line agrees with the exit status.
import { readFileSync } from 'node:fs';

const [file, exitArg] = process.argv.slice(2);
const commandCode = exitArg === undefined ? 0 : Number(exitArg);

function finish(passed, failed, skipped) {
  let line = `${passed} passed, ${failed} failed`;
  if (skipped > 0) line += `, ${skipped} skipped`;
  process.stdout.write(line + '\n');
  process.exitCode = failed > 0 || passed + failed === 0 ? 1 : 0;
}

let results;
try {
  if (!file) throw new Error('no results file given');
  results = JSON.parse(readFileSync(file, 'utf8'));
  if (!results || typeof results !== 'object' || typeof results.numPassedTests !== 'number') {
    throw new Error('not jest --json output');
  }
} catch (error) {
  process.stderr.write(`jest-summary: no usable test results in ${file ?? '(none)'}: ${error.message}\n`);
  finish(0, 1, 0);
  process.exit();
}

const count = (value) => (Number.isFinite(value) ? value : 0);
const passed = count(results.numPassedTests);
let failed = count(results.numFailedTests);
const skipped = count(results.numPendingTests) + count(results.numTodoTests);

// Test files that failed as a whole without a failing test to show for it.
let brokenSuites = 0;
for (const suite of Array.isArray(results.testResults) ? results.testResults : []) {
  const tests = Array.isArray(suite.assertionResults) ? suite.assertionResults : [];
  const failedTests = tests.filter((t) => t.status === 'failed').length;
  const suiteFailed = suite.status === 'failed' || Boolean(suite.testExecError);
  if (suiteFailed && failedTests === 0) brokenSuites += 1;
}
failed += Math.max(brokenSuites, count(results.numRuntimeErrorTestSuites));

if (failed === 0 && (results.success === false || (Number.isFinite(commandCode) && commandCode !== 0))) {
  process.stderr.write(
    `jest-summary: no failed test in ${file}, but the run failed (success=${results.success}, exit code ${exitArg ?? 0}); counting 1 failure\n`,
  );
  failed = 1;
}
if (passed + failed === 0) process.stderr.write('jest-summary: no tests ran\n');

finish(passed, failed, skipped);
