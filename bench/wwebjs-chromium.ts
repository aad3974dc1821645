/**
 * Which Chromium build whatsapp-web.js runs on in the bench: `full` (default: the browser its users
 * run, as its puppeteer would launch) or `shell` (the same binary as waweb's default, for the
 * same-binary ratio). Set by `--wwebjs-chromium`, passed to child processes in the environment.
 */
import { findChromium } from '../src/browser/executable';

export const WWEBJS_CHROMIUM_ENV = 'WAWEB_BENCH_WWEBJS_CHROMIUM';

export function wwebjsChromium(): string {
  const build = process.env[WWEBJS_CHROMIUM_ENV] === 'shell' ? 'headless-shell' : 'full';
  return findChromium(undefined, { build });
}
