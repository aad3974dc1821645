/** The narrow view of a Client its auth strategy gets (`AuthHost`): the page, a logger, and its events. */
import type { AuthHost } from '../auth/strategy';
import type { WawebError } from '../errors';
import { childLogger, type Logger } from '../util/logger';
import type { WebPage } from '../web/web-page';
import type { ClientEvents } from './events';

export function authHost(
  log: Logger,
  page: () => WebPage | undefined,
  emit: <K extends keyof ClientEvents>(event: K, ...args: ClientEvents[K]) => void,
): AuthHost {
  return {
    logger: childLogger(log, { component: 'waweb.auth' }),
    page,
    emitSessionSaved: (info) => emit('remote_session_saved', info),
    emitRestoreFailed: (info) => emit('remote_session_restore_failed', info),
    emitError: (error: WawebError) => emit('error', error),
    emitSaveFailed: (error: WawebError) => {
      emit('remote_session_save_failed', error);
      emit('error', error);
    },
  };
}
