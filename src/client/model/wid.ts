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

/** `<number>@c.us` for a bare number; ids with a server pass through. */
export function chatIdOf(id: unknown, name = 'chatId'): string {
  if (typeof id !== 'string' || id === '') throw new InvalidOptionError(`${name} must be a non-empty string`);
  return id.includes('@') ? id : `${id}@c.us`;
}
