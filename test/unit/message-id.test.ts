/** Message keys as whatsapp-web.js splits them: the sender a group message or a status post names last is not part of `id`. */
import { parseMessageId } from '../../src/client/model/message-id';

test('a private key splits into fromMe, chat and id', () => {
  expect(parseMessageId('true_15550001111@c.us_3EB0AA')).toEqual({
    fromMe: true,
    remote: '15550001111@c.us',
    id: '3EB0AA',
    _serialized: 'true_15550001111@c.us_3EB0AA',
  });
});

test("a status post's or a group message's key: the sender after the id stays out of id", () => {
  expect(parseMessageId('false_status@broadcast_SIM1F_15557770921@c.us')).toMatchObject({
    fromMe: false,
    remote: 'status@broadcast',
    id: 'SIM1F',
  });
  expect(parseMessageId('true_1203630@g.us_3EB0BB_15550001111@c.us').id).toBe('3EB0BB');
});

test('a key in no such form is its own id', () => {
  expect(parseMessageId('ABC')).toEqual({ fromMe: false, remote: '', id: 'ABC', _serialized: 'ABC' });
});
