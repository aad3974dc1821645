/** A message's key, as whatsapp-web.js splits it. */
export interface MessageId {
  fromMe: boolean;
  remote: string;
  id: string;
  _serialized: string;
}

/**
 * A key read from its serialized form `<fromMe>_<chat>_<id>[_<participant>]` (a group message or a status post
 * names its sender last: `id` is the message's own id, without it); a key in no such form is its own id.
 */
export function parseMessageId(serialized: string): MessageId {
  const [fromMe, remote, id, ...rest] = serialized.split('_');
  if (id === undefined) return { fromMe: false, remote: '', id: serialized, _serialized: serialized };
  const sender = rest.length === 1 && rest[0]!.includes('@');
  return { fromMe: fromMe === 'true', remote: remote ?? '', id: sender ? id : [id, ...rest].join('_'), _serialized: serialized };
}
