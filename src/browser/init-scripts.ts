/**
 * Scripts installed with `evaluateOnNewDocument`, so they run in a document before any of its
 * own scripts. Self-contained strings: nothing depends on how this Node code was compiled.
 */

/**
 * Writes `items` into the localStorage of `origin`'s top-level documents, once per tab: a
 * sessionStorage marker keeps a reload (the app reloads itself on logout) from writing them
 * again over what the app changed since.
 */
export function localStorageRestoreScript(origin: string, items: ReadonlyArray<readonly [string, string]>): string {
  const marker = '__waweb_local_storage_restored';
  return `(() => {
    if (location.origin !== ${JSON.stringify(origin)} || window.top !== window) return;
    try {
      if (sessionStorage.getItem(${JSON.stringify(marker)}) !== null) return;
      const items = ${JSON.stringify(items)};
      for (const [key, value] of items) localStorage.setItem(key, value);
      sessionStorage.setItem(${JSON.stringify(marker)}, '1');
    } catch (err) {
      console.error('waweb: restoring localStorage failed', err);
    }
  })();`;
}
