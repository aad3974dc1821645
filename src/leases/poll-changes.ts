/**
 * A watch by polling, for a backend without notifications: reads a change counter every
 * `intervalMs` and calls `onChange` when it moved. A failed read is skipped (the next one decides);
 * the first read only sets where counting starts.
 */
import type { LeaseWatch } from './types';

export function pollChanges(intervalMs: number, onChange: () => void, read: () => Promise<number | undefined>): LeaseWatch {
  let last: number | undefined;
  let timer: NodeJS.Timeout | undefined;
  let reading: Promise<void> | undefined;
  let closed: Promise<void> | undefined;
  let watching!: () => void;
  const ready = new Promise<void>((resolve) => (watching = resolve));
  const look = async (): Promise<void> => {
    const seen = await read().catch(() => undefined);
    if (seen === undefined || closed) return;
    if (last !== undefined && seen !== last) onChange();
    last = seen;
    watching();
  };
  const schedule = (): void => {
    if (closed) return;
    timer = setTimeout(() => {
      timer = undefined;
      reading = look().finally(() => {
        reading = undefined;
        schedule();
      });
    }, intervalMs);
    // The owner closes the watch; a timer left behind must not hold the process open.
    timer.unref();
  };
  // The first read at once: it sets where counting starts.
  reading = look().finally(() => {
    reading = undefined;
    schedule();
  });
  return {
    ready,
    close(): Promise<void> {
      closed ??= (async () => {
        if (timer !== undefined) clearTimeout(timer);
        timer = undefined;
        await reading;
        watching();
      })();
      return closed;
    },
  };
}
