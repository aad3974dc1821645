/**
 * What `list`, `set-aside`, `release`, `delete --generation` and `inspect --store` share about marks:
 * a generation's state in words, and the store opened for a command that needs marks (a store
 * without them is refused with exit code 2).
 */
import type { SessionStore, StoredGeneration } from '../../index';
import { openStoreUrl, type OpenedStore } from '../store-url';

/** The exit code of a command the store cannot do (it has no marks). */
export const EXIT_NO_MARKS = 2;

/** A store that has `mark` and `deleteGeneration`. */
export type MarkingStore = SessionStore & Required<Pick<SessionStore, 'mark' | 'deleteGeneration'>>;

function hasMarks(store: SessionStore): store is MarkingStore {
  return store.marks === true && typeof store.mark === 'function' && typeof store.deleteGeneration === 'function';
}

/** `ok`, `logged in at T`, `set aside: REASON at T, detail` (and both when both apply). */
export function describeState(g: StoredGeneration): string {
  const parts: string[] = [];
  if (g.setAside) {
    // One line per generation: a detail that holds an error message with line breaks is folded.
    const text = g.setAside.detail.replace(/\s+/g, ' ').trim();
    const detail = text === '' ? '' : `, ${text}`;
    parts.push(`set aside: ${g.setAside.reason} at ${g.setAside.at.toISOString()}${detail}`);
  }
  if (g.loggedInAt) parts.push(`logged in at ${g.loggedInAt.toISOString()}`);
  return parts.length === 0 ? 'ok' : parts.join('; ');
}

/** The marks of a generation for `--json`: `setAside` ({ reason, detail, at }) and `loggedInAt`, null when unset. */
export function stateJson(g: StoredGeneration): {
  setAside: { reason: string; detail: string; at: string } | null;
  loggedInAt: string | null;
} {
  return {
    setAside: g.setAside ? { reason: g.setAside.reason, detail: g.setAside.detail, at: g.setAside.at.toISOString() } : null,
    loggedInAt: g.loggedInAt ? g.loggedInAt.toISOString() : null,
  };
}

/**
 * Opens `url` and runs `task` with its store when the store has marks; otherwise says so on stderr
 * and resolves with `EXIT_NO_MARKS`. The store is closed either way.
 */
export async function withMarkingStore(
  url: string,
  command: string,
  task: (store: MarkingStore, opened: OpenedStore) => Promise<number>,
): Promise<number> {
  const opened = openStoreUrl(url);
  try {
    if (!hasMarks(opened.store)) {
      console.error(
        `waweb session ${command}: the ${opened.store.name} store at ${opened.label} cannot mark or delete single generations (it has no marks)`,
      );
      return EXIT_NO_MARKS;
    }
    return await task(opened.store, opened);
  } finally {
    await opened.close();
  }
}
