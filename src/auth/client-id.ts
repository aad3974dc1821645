import { InvalidOptionError } from '../errors';

const CLIENT_ID_RE = /^[A-Za-z0-9_-]+$/;

/** `clientId` may hold letters, digits, `_` and `-` only (the whatsapp-web.js rule), and may not be empty. */
export function assertClientId(clientId: unknown, option = 'clientId'): string | undefined {
  if (clientId === undefined) return undefined;
  if (typeof clientId !== 'string' || !CLIENT_ID_RE.test(clientId) || clientId.length > 100) {
    throw new InvalidOptionError(
      `${option} must be 1 to 100 letters, digits, '_' or '-', got ${JSON.stringify(clientId)}`,
    );
  }
  return clientId;
}
