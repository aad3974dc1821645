/**
 * The wait of `--sessions N` (bench/sessions.ts): every client's `ready`, or the first session that
 * cannot get there, named with why. A session that stops (`disconnected`), is refused
 * (`auth_failure`) or, when it was started from its folder, shows a QR (its folder lost the login:
 * nobody scans in that step) fails the wait at once; past `timeoutMs` the message gives every
 * session still waiting and the last state its page reported.
 */

/** The events of a client the wait listens to (waweb's Client and whatsapp-web.js's both have them). */
export interface ReadyEmitter {
  on(event: string, fn: (...args: any[]) => void): unknown;
  removeListener(event: string, fn: (...args: any[]) => void): unknown;
}

export interface AllReadyOptions {
  timeoutMs: number;
  /** Pairing: QR codes are expected (the phones scan them). Otherwise a QR fails the wait. */
  pairing: boolean;
}

/** Each client's start → `ready`, ms, in order; rejects with the first session that cannot get there. */
export function allReady(clients: readonly ReadyEmitter[], options: AllReadyOptions): Promise<number[]> {
  const started = performance.now();
  const times: number[] = new Array<number>(clients.length).fill(NaN);
  const states: string[] = new Array<string>(clients.length).fill('none reported');
  const unsubscribe: Array<() => void> = [];
  return new Promise<number[]>((resolve, reject) => {
    let left = clients.length;
    let done = false;
    const finish = (err: Error | undefined): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      for (const off of unsubscribe.splice(0)) off();
      if (err) reject(err);
      else resolve(times);
    };
    const timer = setTimeout(() => {
      const waiting = times.flatMap((t, i) => (Number.isNaN(t) ? [`session ${i} (last state ${states[i]})`] : []));
      finish(
        new Error(
          `only ${clients.length - left} of ${clients.length} sessions ready within ${options.timeoutMs} ms; waiting: ${waiting.join(', ')}`,
        ),
      );
    }, options.timeoutMs);
    if (clients.length === 0) finish(undefined);
    clients.forEach((client, i) => {
      const listen = (event: string, fn: (...args: any[]) => void): void => {
        client.on(event, fn);
        unsubscribe.push(() => client.removeListener(event, fn));
      };
      listen('change_state', (state: unknown) => (states[i] = String(state)));
      listen('ready', () => {
        if (!Number.isNaN(times[i]!)) return;
        times[i] = Math.round(performance.now() - started);
        if (--left === 0) finish(undefined);
      });
      listen('auth_failure', () => finish(new Error(`session ${i} was refused (auth_failure)`)));
      listen('disconnected', (reason: unknown) => finish(new Error(`session ${i} stopped before ready: disconnected (${String(reason)})`)));
      if (!options.pairing) {
        listen('qr', () =>
          finish(
            new Error(
              `session ${i} showed a QR instead of logging in from its folder (last state ${states[i]}): the folder lost the login`,
            ),
          ),
        );
      }
    });
  });
}
