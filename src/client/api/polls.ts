/**
 * The client's poll and scheduled-event calls (declared in business.ts with the other issue-27 calls):
 * the votes on a poll, and answering an event. Installed on `Client`'s prototype (client.ts).
 */
import { InvalidOptionError } from '../../errors';
import { Message } from '../model/message';
import type { ModelClient } from '../model/model-client';
import { pollVoteFrom, type PollVote } from '../model/poll-vote';
import type { BusinessApi } from './business';

export const pollsApi: Pick<BusinessApi, 'getPollVotes' | 'sendResponseToScheduledEvent'> & ThisType<ModelClient> = {
  /** The votes on a poll message, each voter's latest; empty when the device does not have the message. */
  async getPollVotes(messageId: string): Promise<PollVote[]> {
    const web = this.readyPage('getPollVotes()');
    const data = typeof messageId === 'string' ? await web.call('getMessage', messageId) : null;
    if (!data) return [];
    if (data.type !== 'poll_creation') throw new InvalidOptionError('getPollVotes() works on a poll (a poll_creation message)');
    const poll = new Message(this, data);
    return (await web.call('pollVotes', messageId)).map((v) => pollVoteFrom(v, poll));
  },

  /** Answers an event: 0 none (takes an answer back), 1 going, 2 not going, 3 maybe; false for another response or an unknown message. */
  async sendResponseToScheduledEvent(response: number, eventMessageId: string): Promise<boolean> {
    if (![0, 1, 2, 3].includes(response)) return false;
    return this.readyPage('sendResponseToScheduledEvent()').call('respondToEvent', String(eventMessageId), response);
  },
};
