import { InvalidOptionError } from '../../errors';

/** A WhatsApp id split the way whatsapp-web.js does: `user@server`. */
export interface Wid {
  server: string;
  user: string;
  _serialized: string;
}

export function toWid(serialized: string): Wid {
  const at = serialized.indexOf('@');
  return at < 0
    ? { server: 'c.us', user: serialized, _serialized: `${serialized}@c.us` }
    : { server: serialized.slice(at + 1), user: serialized.slice(0, at), _serialized: serialized };
}

/**
 * `<number>@c.us` for a bare number; ids with a server pass through. A bare id that is no number (a
 * placeholder such as example.js's `'chatId'`) is refused: the app refuses it too (`invalid wid`), and
 * `'chatId@c.us'` would be a chat that does not exist.
 */
export function chatIdOf(id: unknown, name = 'chatId'): string {
  if (typeof id !== 'string' || id === '') throw new InvalidOptionError(`${name} must be a non-empty string`);
  if (id.includes('@')) return id;
  if (!/^\d+$/.test(id))
    throw new InvalidOptionError(`${name} must be an id like 15550001111@c.us or a phone number, got ${JSON.stringify(id)}`);
  return `${id}@c.us`;
}
