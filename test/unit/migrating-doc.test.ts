/**
 * docs/migrating-from-whatsapp-web-js.md's member tables are generated from the member tables the
 * runtime and the type test use (src/client/compat/): the committed guide must be what
 * `npm run docs:migrating` writes now.
 */
import { readFileSync } from 'node:fs';
import { currentDoc, DOC_PATH, renderSurface } from '../helpers/migrating-doc';

test('the migration guide shows the member tables as they are (run `npm run docs:migrating` after changing them)', () => {
  const doc = readFileSync(DOC_PATH, 'utf8');
  expect(doc).toContain(renderSurface());
  expect(currentDoc(doc)).toBe(doc);
});

test("the guide's counts add up to whatsapp-web.js's declared members, each counted once", () => {
  const rows = renderSurface()
    .split('\n')
    .filter((line) => /^\| [A-Z]/.test(line))
    .map((line) => line.split('|').slice(2, 7).map(Number));
  for (const [members, ...parts] of rows) expect(parts.reduce((a, b) => (a ?? 0) + (b ?? 0), 0)).toBe(members);
});
