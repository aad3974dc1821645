/** True when `err` is a Node system error whose `code` is one of `codes` (e.g. `ENOENT`). */
export function isErrno(err: unknown, ...codes: string[]): boolean {
  return typeof err === 'object' && err !== null && codes.includes(String((err as { code?: unknown }).code));
}
