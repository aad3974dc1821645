import type { ModelTypes } from './registry';

declare module './registry' {
  interface ModelTypes {
    PollVote: PollVote;
  }
}

/** One option of a poll someone picked. */
export interface SelectedPollOption {
  /** The option's local id (its index in the poll). */
  id: number;
  name: string;
}

/** A vote on a poll (whatsapp-web.js's `PollVote`, `vote_update`); waweb emits none yet (issue 27). */
export class PollVote {
  /** Who voted. */
  readonly voter: string;
  /** Everything they picked now; empty when they took their vote back. */
  readonly selectedOptions: SelectedPollOption[];
  /** When, milliseconds since the epoch (whatsapp-web.js's spelling). */
  readonly interractedAtTs: number;
  /** The poll. */
  readonly parentMessage: ModelTypes['Message'];

  constructor(data: {
    voter: string;
    selectedOptions: SelectedPollOption[];
    interractedAtTs: number;
    parentMessage: ModelTypes['Message'];
  }) {
    this.voter = data.voter;
    this.selectedOptions = data.selectedOptions;
    this.interractedAtTs = data.interractedAtTs;
    this.parentMessage = data.parentMessage;
  }
}
