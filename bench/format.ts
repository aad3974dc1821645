/** How the bench writes sizes and durations (its log lines and its table). */

export const MiB = 1024 * 1024;

export const fmtS = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
export const fmtMiB = (bytes: number): string => `${(bytes / MiB).toFixed(1)} MiB`;
export function fmtBytes(bytes: number): string {
  if (bytes >= MiB) return `${(bytes / MiB).toFixed(2)} MiB (${bytes} B)`;
  return `${(bytes / 1024).toFixed(1)} KiB (${bytes} B)`;
}

export const firstLine = (text: string): string => text.split('\n')[0] ?? text;
