/**
 * Issue 26: docs/client.md says, for every option of whatsapp-web.js 1.34.7's `ClientOptions`, whether
 * waweb honours it or what it does instead. The option names come from whatsapp-web.js's own
 * `index.d.ts`, so an option it adds shows up here as missing from the table.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

/** The top-level member names of `export interface ClientOptions { ... }` in whatsapp-web.js's declarations. */
function wwebjsOptionNames(): string[] {
  const dts = readFileSync(join(root, 'node_modules', 'whatsapp-web.js', 'index.d.ts'), 'utf8');
  const start = dts.indexOf('export interface ClientOptions {');
  expect(start).toBeGreaterThanOrEqual(0);
  const names: string[] = [];
  let depth = 0;
  for (const line of dts.slice(start).split('\n')) {
    const inside = depth === 1;
    const member = /^\s*([A-Za-z_]\w*)\??:/.exec(line);
    if (inside && member && !line.trim().startsWith('*')) names.push(member[1]!);
    depth += (line.match(/{/g) ?? []).length - (line.match(/}/g) ?? []).length;
    if (depth === 0 && names.length > 0) break;
  }
  return names;
}

/** The option names the first column of docs/client.md's "whatsapp-web.js's options" table lists. */
function documentedNames(): string[] {
  const doc = readFileSync(join(root, 'docs', 'client.md'), 'utf8');
  const section = doc.slice(doc.indexOf("### whatsapp-web.js's options"));
  const table = section.slice(0, section.indexOf('\n## '));
  return table
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .flatMap((line) => [...(line.split('|')[1] ?? '').matchAll(/`([A-Za-z_]\w*)`/g)].map((m) => m[1]!));
}

test("whatsapp-web.js's declarations have the options this test knows how to read", () => {
  const names = wwebjsOptionNames();
  expect(names).toEqual(expect.arrayContaining(['authStrategy', 'puppeteer', 'ffmpegPath', 'pairWithPhoneNumber']));
  // Members of nested option objects are not options of their own.
  expect(names).not.toContain('phoneNumber');
});

test("docs/client.md's table lists every whatsapp-web.js option, each once, and nothing else", () => {
  const documented = documentedNames();
  expect([...documented].sort()).toEqual([...wwebjsOptionNames()].sort());
  expect(new Set(documented).size).toBe(documented.length);
});
