/**
 * Which build this app script is, as the server wrapped it (`SimulatorBuildInfo`, server-side
 * `builds.ts`): its version, and for a drift variant how it differs from the normal app.
 */
import { DEFAULT_BUILD, type SimulatorBreak, type SimulatorBuildInfo } from '../protocol';

/** Set by the server around a build's script; absent when the bundle is loaded bare. */
declare const SIMULATOR_BUILD: SimulatorBuildInfo | undefined;

const info: SimulatorBuildInfo = typeof SIMULATOR_BUILD === 'undefined' ? { version: DEFAULT_BUILD } : SIMULATOR_BUILD;

/** This build's version (`Debug.VERSION`): it comes with the script, so a pinned HTML runs its own build. */
export const VERSION = info.version;

/** What this build's app lacks (`SimulatorBuildInfo.without`). */
export const WITHOUT: readonly string[] = info.without ?? [];

/** Modules this build names differently (old name → new name). */
export const RENAMED: Readonly<Record<string, string>> = info.renamed ?? {};

/** Whether this build reproduces `change` (`SimulatorBuildInfo.breaks`). */
export function breaks(change: SimulatorBreak): boolean {
  return info.breaks?.includes(change) === true;
}
