/** A message's key, as whatsapp-web.js splits it. */
export interface MessageId {
  fromMe: boolean;
  remote: string;
  id: string;
  _serialized: string;
}

/** A key read from its serialized form `<fromMe>_<chat>_<id>`; a key in no such form is its own id. */
export function parseMessageId(serialized: string): MessageId {
  const [fromMe, remote, ...rest] = serialized.split('_');
  if (rest.length === 0) return { fromMe: false, remote: '', id: serialized, _serialized: serialized };
  return { fromMe: fromMe === 'true', remote: remote ?? '', id: rest.join('_'), _serialized: serialized };
}
