/**
 * `npm run docs`: TypeDoc builds the API reference of every public entry from the types and their
 * doc comments (typedoc.json). The generator runs once, through its command line as the script runs
 * it, into a temporary folder; the tests read the pages it wrote.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { tempDir, type TempDir } from '../helpers/tmp';

const run = promisify(execFile);
const repo = path.resolve(__dirname, '..', '..');
const typedoc = path.join(repo, 'node_modules', 'typedoc', 'bin', 'typedoc');

let out: TempDir;
let warnings = '';

/** A page of the reference as text: tags dropped, entities and whitespace folded. */
function pageText(page: string): string {
  return readFileSync(path.join(out.path, page), 'utf8')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

beforeAll(async () => {
  out = await tempDir('waweb-api-docs-');
  // Rejects on a non-zero exit: warnings (types referenced but not exported) are allowed, errors are not.
  const { stdout, stderr } = await run(process.execPath, [typedoc, '--out', out.path], { cwd: repo, maxBuffer: 16 * 1024 * 1024 });
  warnings = stdout + stderr;
}, 120_000);

afterAll(async () => {
  await out?.remove();
});

test('the reference has one module page per public entry, named as it is imported', () => {
  expect(readdirSync(path.join(out.path, 'modules')).sort()).toEqual([
    'waweb.html',
    'waweb_dashboard.html',
    'waweb_manager.html',
    'waweb_session.html',
    'waweb_simulator.html',
    'waweb_testing.html',
    'waweb_wwebjs.html',
  ]);
  expect(warnings).toMatch(/html generated at/);
});

test('the classes bots and operators use have pages, with their doc comments', () => {
  const pages: Record<string, string> = {
    'waweb.Client': "The WhatsApp Web client, shaped like whatsapp-web.js's Client",
    'waweb.Message': "A message, shaped like whatsapp-web.js's Message",
    'waweb.Chat': "A chat, shaped like whatsapp-web.js's Chat",
    'waweb.Contact': "A contact, shaped like whatsapp-web.js's Contact",
    'waweb.LocalAuth': 'Keeps the session in a persistent Chromium profile',
    'waweb.RemoteAuth': 'Keeps the session in a store',
    'waweb_wwebjs.RemoteAuth': "waweb's RemoteAuth as an authStrategy for whatsapp-web.js's own Client",
    'waweb_manager.SessionManager': 'Many WhatsApp sessions in one process',
    'waweb_simulator.WhatsAppSimulator': 'A local WhatsApp Web, served as https://web.whatsapp.com',
  };
  const missing = Object.entries(pages).filter(([name, text]) => {
    const page = `classes/${name}.html`;
    return !existsSync(path.join(out.path, page)) || !pageText(page).includes(text);
  });
  expect(missing).toEqual([]);
});

test("members carry their doc comments: Client.sendMessage's, from the domain file it is declared in", () => {
  const client = pageText('classes/waweb.Client.html');
  expect(client).toContain('sendMessage');
  expect(client).toContain('Sends a text, media (MessageMedia: with caption, as a document, a voice note or a sticker)');
  expect(pageText('modules/waweb_dashboard.html')).toContain('The only entry that loads prom-client and qrcode');
});

test('@internal members are left out', () => {
  const client = pageText('classes/waweb.Client.html');
  expect(client).toContain('waitFor');
  expect(client).not.toContain('readyPage');
});

test('the pages load nothing from the network', () => {
  const html = readFileSync(path.join(out.path, 'classes', 'waweb.Client.html'), 'utf8');
  const loads = [...html.matchAll(/<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? '');
  expect(loads.length).toBeGreaterThan(0);
  expect(loads.filter((url) => /^(?:https?:)?\/\//.test(url))).toEqual([]);
});
