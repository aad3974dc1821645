import { InvalidOptionError } from '../errors';

/** The one rule for client ids, everywhere (whatsapp-web.js's characters, with a length bound). */
const CLIENT_ID_RE = /^[A-Za-z0-9_-]{1,100}$/;

/** True when `clientId` is 1 to 100 letters, digits, `_` or `-`. */
export function isValidClientId(clientId: unknown): clientId is string {
  return typeof clientId === 'string' && CLIENT_ID_RE.test(clientId);
}

/** `clientId` may hold letters, digits, `_` and `-` only (the whatsapp-web.js rule), 1 to 100 of them. */
export function assertClientId(clientId: unknown, option = 'clientId'): string | undefined {
  if (clientId === undefined) return undefined;
  if (!isValidClientId(clientId)) {
    const shown = typeof clientId === 'string' && clientId.length > 40 ? `${clientId.slice(0, 40)}...` : clientId;
    throw new InvalidOptionError(`${option} must be 1 to 100 letters, digits, '_' or '-', got ${JSON.stringify(shown)}`);
  }
  return clientId;
}
