/**
 * What the servers tell a linked device about its account's data: messages (new, history, acks, edits,
 * deletions, late decryptions), reactions and pins, contacts, groups, chat locks and calls offered. The app's
 * connection and login (app.ts) hands these frames here; each one lands in the models the page modules
 * expose, the way the real app fills them.
 */
import type { ServerFrame } from '../protocol';
import type { MessageStore } from './message-store';
import type { BusinessStore } from './labels';
import type { CallCollection } from './calls';
import type { PinTable } from './pins';
import type { PollVotes } from './polls';
import type { ReactionStore } from './reactions';
import { createWid, MsgKey } from './wid';

/** The kinds of frame handled here; a `Record` so that the compiler checks the list against the type. */
const KINDS = {
  msg: true,
  ack: true,
  'old-msgs': true,
  edited: true,
  decrypt: true,
  revoke: true,
  'delete-for-me': true,
  reaction: true,
  pin: true,
  contacts: true,
  business: true,
  group: true,
  'chat-locked': true,
  'poll-vote': true,
  call: true,
  newsletter: true,
} as const;

export type AccountFrame = Extract<ServerFrame, { t: keyof typeof KINDS }>;

/** Where the frames land. */
export interface AccountData {
  readonly store: MessageStore;
  readonly reactions: ReactionStore;
  readonly pins: PinTable;
  readonly business: BusinessStore;
  readonly polls: PollVotes;
  readonly calls: CallCollection;
}

export function isAccountFrame(frame: ServerFrame): frame is AccountFrame {
  return Object.hasOwn(KINDS, frame.t);
}

export function applyAccountFrame(frame: AccountFrame, { store, reactions, pins, business, polls, calls }: AccountData): void {
  switch (frame.t) {
    case 'msg':
      store.receive(frame.msg, true);
      return;
    case 'ack':
      store.ack(frame.chatId, frame.id, frame.ack);
      return;
    case 'old-msgs':
      for (const msg of frame.msgs) store.receive(msg, false);
      for (const [chatId, end] of Object.entries(frame.ends ?? {})) store.chats.get(chatId)?.set('endOfHistoryTransferType', end);
      return;
    case 'edited':
      store.edited(frame.chatId, frame.id, frame.body, frame.editId, frame.editedAtMs);
      return;
    case 'decrypt':
      store.decrypt(frame.chatId, frame.id, frame.type, frame.body);
      return;
    case 'revoke':
      store.revoke(frame.chatId, frame.id, frame.fromMe);
      return;
    case 'delete-for-me':
      store.deleteForMe(frame.chatId, frame.id, frame.fromMe);
      return;
    case 'reaction':
      // Through the module's own function, as the app does: clients hook it to hear reactions.
      void reactions.module.reactionTableMode.bulkUpsert([
        {
          id: new MsgKey({ fromMe: false, remote: frame.chatId, id: frame.id }),
          reactionParentKey: new MsgKey({ fromMe: frame.parentFromMe, remote: frame.chatId, id: frame.parentId }),
          reactionText: frame.reaction,
          reactionTimestamp: Date.now(),
          from: createWid(frame.from),
          orphan: 0,
          read: false,
        },
      ]);
      return;
    case 'pin':
      pins.record(
        frame.chatId,
        new MsgKey({ fromMe: frame.fromMe, remote: frame.chatId, id: frame.id }).toString(),
        frame.pinned,
        frame.seconds,
      );
      return;
    case 'contacts':
      for (const contact of frame.contacts) {
        const model = store.learn(contact);
        if (contact.business) business.learnProfile(model, contact.business);
      }
      return;
    case 'business':
      business.apply(frame.data);
      return;
    case 'group':
      store.learnGroup(frame.group);
      return;
    case 'chat-locked':
      store.chatFor(createWid(frame.chatId)).chat.set('isLocked', frame.locked);
      return;
    case 'poll-vote':
      polls.received(frame);
      return;
    case 'call':
      calls.receive(frame.call);
      return;
    case 'newsletter':
      store.newsletters.learn(frame.channel);
      return;
  }
}
