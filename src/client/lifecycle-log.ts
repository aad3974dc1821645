/**
 * One record per client event, from the event itself: what happened and its numbers, never its
 * secrets. A QR's text, a pairing code and message contents stay out; an error gives its class,
 * code and message (messages name options, ids and sizes, not secrets).
 */
import { errorFields, type Logger } from '../util/logger';
import type { ClientEvents } from './events';

type Args = ClientEvents[keyof ClientEvents];

export function logClientEvent(log: Logger, event: keyof ClientEvents, args: Args): void {
  const first: unknown = args[0];
  switch (event) {
    case 'qr':
      return log.info({ event }, 'QR code shown (its text is only in the qr event)');
    case 'code':
      return log.info({ event }, 'pairing code issued (its text is only in the code event)');
    case 'authenticated':
      return log.info({ event }, 'authenticated');
    case 'auth_failure':
      return log.warn({ event, ...errorFields(first) }, 'the stored session was rejected');
    case 'ready':
      return log.info({ event }, 'ready');
    case 'change_state':
      return log.debug({ event, state: first }, 'state changed');
    case 'loading_screen':
      return log.debug({ event, percent: first }, 'loading');
    case 'disconnected':
      return log.info({ event, reason: first }, 'disconnected');
    case 'remote_session_saved':
      return log.info({ event, ...(first as object) }, 'session saved');
    case 'web_version_fallback': {
      const { requested, reason } = first as { requested?: string; reason: string };
      return log.warn({ event, requested, reason }, 'the pinned WhatsApp Web build was not run; the live app runs');
    }
    case 'web_contract': {
      const { build, missing } = first as { build: string; missing: Array<{ module: string; member: string; feature: string }> };
      const members = missing.map((m) => `${m.module}.${m.member}`);
      const features = [...new Set(missing.map((m) => m.feature))];
      return log.warn({ event, build, members, features }, 'this WhatsApp Web build lacks members; their features are off');
    }
    case 'error':
      return log.error({ event, ...errorFields(first) }, 'error');
    default:
      return log.trace({ event }, 'event');
  }
}
