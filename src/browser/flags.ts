/**
 * Flags every waweb launch uses. They keep Chromium quiet on closed networks
 * (no background fetches, component updates or sync), skip first-run UI, and
 * trim memory per browser without touching storage behaviour.
 */
export const DEFAULT_CHROMIUM_ARGS: readonly string[] = [
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-features=WebUIOmniboxPopup,WebUIOmniboxAimPopup,AutofillServerCommunication,Translate,MediaRouter',
  '--disable-blink-features=AutomationControlled',
];

/**
 * The lean flags (`leanFlags`, on by default, both builds). The browser only ever loads
 * web.whatsapp.com, in one page, so it runs as one process (`--single-process`, and so no zygote
 * either): a crash of the page ends the browser, which for a session of one page is the same
 * outcome. Site isolation, spare renderers, back-forward cache and GPU compositing are off (they
 * also keep a multi-process browser at one renderer), and V8's young generation is kept small.
 * Ten sessions at once: 70 → 41 MiB PSS each (docs/bench.md). Storage, WebCrypto, WebSocket and
 * service workers work as before (test/e2e/lean-launch.test.ts).
 */
export const LEAN_CHROMIUM_ARGS: readonly string[] = [
  '--single-process',
  '--no-zygote',
  '--renderer-process-limit=1',
  '--disable-site-isolation-trials',
  '--disable-features=IsolateOrigins,site-per-process,SpareRendererForSitePerProcess,BackForwardCache',
  '--disable-gpu-compositing',
  '--disable-software-rasterizer',
  '--js-flags=--max-semi-space-size=1',
];

/** Root cannot use Chromium's sandbox. */
export function sandboxArgs(): string[] {
  return typeof process.getuid === 'function' && process.getuid() === 0 ? ['--no-sandbox'] : [];
}

/** Joins flag lists; a later `--name=` overrides an earlier one, and `--disable-features` lists merge. */
export function mergeArgs(...lists: ReadonlyArray<readonly string[]>): string[] {
  const out: string[] = [];
  const features = new Set<string>();
  for (const list of lists) {
    for (const arg of list) {
      if (arg.startsWith('--disable-features=')) {
        for (const f of arg.slice('--disable-features='.length).split(',')) if (f) features.add(f);
        continue;
      }
      const name = arg.split('=')[0];
      const existing = out.findIndex((a) => a.split('=')[0] === name);
      if (existing >= 0 && arg.includes('=')) out.splice(existing, 1);
      if (!out.includes(arg)) out.push(arg);
    }
  }
  if (features.size > 0) out.push(`--disable-features=${[...features].join(',')}`);
  return out;
}
