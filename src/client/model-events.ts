/**
 * The page's reports about messages, reactions and groups, as the model events bots listen to
 * (`message`, `message_ack`, `group_join`, `chat_archived`, ...). They need no state of the run: each report becomes
 * model objects and one or two events. A new model event is a report in `web/bridge.ts`, its type in
 * `ModelReport` and one `case` here.
 */
import type { PageEvent } from '../web/bridge';
import type { EmitClientEvent } from './events';
import { Call } from './model/call';
import { chatFrom } from './model/chat-from';
import { GroupNotification } from './model/group-notification';
import { Message } from './model/message';
import type { ModelClient } from './model/model-client';
import { pollVoteFrom } from './model/poll-vote';
import { Reaction } from './model/reaction';

const MODEL_REPORTS = [
  'message',
  'ciphertext',
  'ciphertextFailed',
  'ack',
  'mediaUploaded',
  'revoked',
  'removed',
  'edited',
  'reaction',
  'vote',
  'contactChanged',
  'group',
  'chat',
  'call',
  'battery',
] as const;

export type ModelReport = Extract<PageEvent, { type: (typeof MODEL_REPORTS)[number] }>;

export function isModelReport(report: PageEvent): report is ModelReport {
  return (MODEL_REPORTS as readonly string[]).includes(report.type);
}

const GROUP_EVENTS = {
  join: 'group_join',
  leave: 'group_leave',
  admin: 'group_admin_changed',
  update: 'group_update',
  request: 'group_membership_request',
} as const;

/** At most this many reports wait for `ready`; past it the oldest is dropped (the page's store still has its message). */
export const HELD_REPORTS_MAX = 10_000;

/**
 * The model events of one run. Reports that come before `ready` (messages the account got while the client
 * was stopped arrive during sync) wait for it: a handler acts on the client it is given, and whatsapp-web.js,
 * which listens only from `ready` on, never hands a bot a message it cannot answer. After `ready` each
 * report is emitted as it comes; a lost login holds them again until the next `ready`.
 */
export class ModelEvents {
  readonly #client: ModelClient;
  readonly #emit: EmitClientEvent;
  #held: ModelReport[] | undefined = [];

  constructor(client: ModelClient, emit: EmitClientEvent) {
    this.#client = client;
    this.#emit = emit;
  }

  report(report: ModelReport): void {
    if (!this.#held) return emitModelEvent(this.#client, report, this.#emit);
    this.#held.push(report);
    if (this.#held.length > HELD_REPORTS_MAX) this.#held.shift();
  }

  /** `ready` was emitted (and no login lost since). */
  get ready(): boolean {
    return this.#held === undefined;
  }

  /**
   * The client is ready: `announce` emits `ready` (its handlers already see a ready client), then what
   * waited is emitted, in the order it came.
   */
  open(announce: () => void): void {
    const held = this.#held ?? [];
    this.#held = undefined;
    announce();
    for (const report of held) emitModelEvent(this.#client, report, this.#emit);
  }

  /** The login was lost: reports wait for the next `ready`. */
  hold(): void {
    this.#held ??= [];
  }
}

/** Emits the events of one model report. */
export function emitModelEvent(client: ModelClient, report: ModelReport, emit: EmitClientEvent): void {
  switch (report.type) {
    case 'message': {
      const message = new Message(client, report.message);
      emit('message_create', message);
      if (!message.fromMe) emit('message', message);
      return;
    }
    case 'ciphertext':
      return emit('message_ciphertext', new Message(client, report.message));
    case 'ciphertextFailed':
      return emit('message_ciphertext_failed', new Message(client, report.message));
    case 'ack':
      return emit('message_ack', new Message(client, report.message), report.ack);
    case 'mediaUploaded':
      return emit('media_uploaded', new Message(client, report.message));
    case 'revoked':
      return emit(
        'message_revoke_everyone',
        new Message(client, report.message),
        report.before ? new Message(client, report.before) : undefined,
      );
    case 'removed':
      return emit('message_revoke_me', new Message(client, report.message));
    case 'edited':
      return emit('message_edit', new Message(client, report.message), report.body, report.previous);
    case 'reaction':
      return emit('message_reaction', new Reaction(client.lidMap?.complete(report.reaction) ?? report.reaction));
    case 'vote':
      return emit('vote_update', pollVoteFrom(report.vote, report.parent ? new Message(client, report.parent) : undefined));
    case 'contactChanged':
      return emit('contact_changed', new Message(client, report.message), report.oldId, report.newId, report.isContact);
    case 'group':
      return emit(GROUP_EVENTS[report.kind], new GroupNotification(client, report.notification));
    case 'chat': {
      const chat = chatFrom(client, report.chat);
      if (report.change === 'archived') return emit('chat_archived', chat, report.archived, report.previous);
      return emit(report.change === 'removed' ? 'chat_removed' : 'unread_count', chat);
    }
    case 'call':
      return emit('call', new Call(client, report.call));
    case 'battery':
      return emit('change_battery', { battery: report.battery, plugged: report.plugged });
  }
}
