/**
 * The client's calls for business accounts (labels, customer notes), status posts, calls, polls,
 * scheduled events.
 * None is there yet (issue 27): each throws `NotSupportedError` naming it (compat/).
 */
import type { Broadcast } from '../model/broadcast';
import type { Chat, CustomerNote } from '../model/chat';
import type { Label } from '../model/label';
import type { PollVote } from '../model/poll-vote';

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
