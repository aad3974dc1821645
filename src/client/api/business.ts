/**
 * The client's calls for business accounts (labels, customer notes), status posts, calls, polls,
 * scheduled events. Labels and customer notes are there (`businessApi`); the rest throws
 * `NotSupportedError` naming it until issue 27 brings it (compat/).
 */
import { InvalidOptionError } from '../../errors';
import { asDeclared } from '../compat/declared';
import type { Broadcast } from '../model/broadcast';
import type { Chat, CustomerNote } from '../model/chat';
import { readCustomerNote, writeCustomerNote } from '../model/customer-note';
import { chatsWithLabel, Label, labelsOfChat, setChatLabels } from '../model/label';
import type { ModelClient } from '../model/model-client';
import type { PollVote } from '../model/poll-vote';
import { chatIdOf } from '../model/wid';

export interface BusinessApi {
  getLabels(): Promise<Label[]>;
  getLabelById(labelId: string): Promise<Label>;
  getChatLabels(chatId: string): Promise<Label[]>;
  getChatsByLabelId(labelId: string): Promise<Chat[]>;
  addOrRemoveLabels(labelIds: Array<number | string>, chatIds: string[]): Promise<void>;
  addOrEditCustomerNote(userId: string, note: string): Promise<void>;
  getCustomerNote(userId: string): Promise<CustomerNote>;
  getBroadcasts(): Promise<Broadcast[]>;
  getBroadcastById(contactId: string): Promise<Broadcast>;
  revokeStatusMessage(messageId: string): Promise<void>;
  /** `response`: 0 none, 1 going, 2 not going, 3 maybe. */
  sendResponseToScheduledEvent(response: number, eventMessageId: string): Promise<boolean>;
  getPollVotes(messageId: string): Promise<PollVote[]>;
}

type Implemented =
  'getLabels' | 'getLabelById' | 'getChatLabels' | 'getChatsByLabelId' | 'addOrRemoveLabels' | 'addOrEditCustomerNote' | 'getCustomerNote';

export const businessApi: Pick<BusinessApi, Implemented> & ThisType<ModelClient & BusinessApi> = {
  async getLabels(): Promise<Label[]> {
    return (await this.readyPage('getLabels()').call('labels')).map((data) => new Label(this, data));
  },

  /** `InvalidOptionError` when the account has no such label (whatsapp-web.js throws there too). */
  async getLabelById(labelId: string): Promise<Label> {
    const data = await this.readyPage('getLabelById()').call('label', String(labelId));
    if (data === null) throw new InvalidOptionError(`labelId: the account has no label ${JSON.stringify(labelId)}`);
    return new Label(this, data);
  },

  async getChatLabels(chatId: string): Promise<Label[]> {
    return labelsOfChat(this, 'getChatLabels()', chatIdOf(chatId, 'chatId'));
  },

  async getChatsByLabelId(labelId: string): Promise<Chat[]> {
    return chatsWithLabel(this, 'getChatsByLabelId()', labelId);
  },

  async addOrRemoveLabels(labelIds: Array<number | string>, chatIds: string[]): Promise<void> {
    await setChatLabels(this, 'addOrRemoveLabels()', labelIds, chatIds);
  },

  async addOrEditCustomerNote(userId: string, note: string): Promise<void> {
    await writeCustomerNote(this, 'addOrEditCustomerNote()', chatIdOf(userId, 'userId'), note);
  },

  async getCustomerNote(userId: string): Promise<CustomerNote> {
    return asDeclared(await readCustomerNote(this, 'getCustomerNote()', chatIdOf(userId, 'userId')));
  },
};
