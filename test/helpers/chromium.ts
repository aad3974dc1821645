import { findChromium } from '../../src/browser/executable';
import { DEFAULT_CHROMIUM_ARGS, mergeArgs, sandboxArgs } from '../../src/browser/flags';

/** The Chromium and flags tests hand to third-party clients (whatsapp-web.js). */
export function chromiumForTests(simulatorArgs: string[]): { executablePath: string; args: string[] } {
  return {
    executablePath: findChromium(),
    args: mergeArgs(DEFAULT_CHROMIUM_ARGS, sandboxArgs(), ['--headless=new'], simulatorArgs),
  };
}
