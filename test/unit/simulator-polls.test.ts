/** What the simulated servers accept of a device's poll or event (src/simulator/polls.ts): checked, never trusted. */
import { pollExtras, wireEvent, wirePoll } from '../../src/simulator/polls';
import type { OutgoingMessage } from '../../src/simulator/protocol';

const out = (fields: Partial<OutgoingMessage>): OutgoingMessage => ({
  id: '3EB0AA',
  to: '15550001111@c.us',
  body: '',
  type: 'chat',
  ...fields,
});

test('a poll is kept with its options and how many one may choose; malformed ones are dropped', () => {
  expect(wirePoll({ name: 'Lunch?', options: ['a', 'b'], selectableCount: 1 })).toEqual({
    name: 'Lunch?',
    options: ['a', 'b'],
    selectableCount: 1,
  });
  // Anything but a count the options allow means "any number" (0).
  expect(wirePoll({ name: 'Lunch?', options: ['a', 'b'], selectableCount: 7 })?.selectableCount).toBe(0);
  expect(wirePoll({ name: '', options: ['a'] })).toBeUndefined();
  expect(wirePoll({ name: 'x', options: [] })).toBeUndefined();
  expect(wirePoll({ name: 'x', options: ['a', 3] })).toBeUndefined();
  expect(wirePoll({ name: 'x', options: Array.from({ length: 13 }, (_, i) => `o${i}`) })).toBeUndefined();
});

test('an event needs a name and a whole start time; the optional fields are kept only when they are strings or times', () => {
  expect(wireEvent({ name: 'Dinner', startTime: 1800000000, location: 'Home', endTime: 1.5, canceled: true })).toEqual({
    name: 'Dinner',
    startTime: 1800000000,
    location: 'Home',
    canceled: true,
  });
  expect(wireEvent({ name: 'Dinner' })).toBeUndefined();
  expect(wireEvent({ name: 'Dinner', startTime: -5 })).toBeUndefined();
});

test('a device message carries a poll only as poll_creation and an event only as event_creation', () => {
  const poll = { name: 'Q', options: ['a'], selectableCount: 1 };
  const event = { name: 'E', startTime: 1800000000, canceled: false };
  expect(pollExtras(out({ type: 'poll_creation', poll }))).toEqual({ poll });
  expect(pollExtras(out({ type: 'chat', poll, event }))).toEqual({});
  expect(pollExtras(out({ type: 'event_creation', event }))).toEqual({ event });
});
