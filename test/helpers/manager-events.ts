/** Waiting on a SessionManager's typed events, for the tests that run one. */
import type { ManagedState, SessionManager, SessionManagerEvents } from '../../src/manager/index';

/** The next `event` whose arguments pass `matches`; rejects after `timeoutMs`, naming the sessions' states. */
export function untilEvent<K extends keyof SessionManagerEvents & string>(
  m: SessionManager,
  event: K,
  matches: (...args: SessionManagerEvents[K]) => boolean,
  timeoutMs = 60_000,
): Promise<SessionManagerEvents[K]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      m.off(event, listener);
      reject(new Error(`no matching ${event} within ${timeoutMs} ms; sessions: ${JSON.stringify(m.list())}`));
    }, timeoutMs);
    const listener = (...args: SessionManagerEvents[K]): void => {
      if (!matches(...args)) return;
      clearTimeout(timer);
      m.off(event, listener);
      resolve(args);
    };
    m.on(event, listener);
  });
}

/** Resolves when session `id` is in `state` (now or later). */
export async function reaches(m: SessionManager, id: string, state: ManagedState, timeoutMs = 60_000): Promise<void> {
  if (m.get(id)?.state === state) return;
  await untilEvent(m, 'session.state', (info) => info.id === id && info.state === state, timeoutMs);
}
