import type { PagePollVote } from '../../web/bridge-polls';
import { asDeclared } from '../compat/declared';
import type { ModelTypes } from './registry';

declare module './registry' {
  interface ModelTypes {
    PollVote: PollVote;
  }
}

/** One option of a poll someone picked. */
export interface SelectedPollOption {
  /** Declared by whatsapp-web.js; at run time both libraries give `localId` instead (undefined here). */
  id: number;
  /** The option's local id (its index in the poll). */
  localId: number;
  /** `undefined` when the poll is not on the device (as in whatsapp-web.js). */
  name: string;
}

/** A vote on a poll (whatsapp-web.js's `PollVote`): `vote_update`, `getPollVotes()`. */
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

/** A vote as whatsapp-web.js gives it: the picked options named from the poll when it is known. */
export function pollVoteFrom(vote: PagePollVote, parent: ModelTypes['Message'] | undefined): PollVote {
  const options = parent?.pollOptions as unknown as Array<{ name: string; localId: number }> | undefined;
  return new PollVote({
    voter: vote.voter,
    selectedOptions: vote.selectedOptionLocalIds.map(
      (localId) => ({ name: options?.find((o) => o.localId === localId)?.name, localId }) as SelectedPollOption,
    ),
    interractedAtTs: vote.senderTimestampMs,
    parentMessage: asDeclared<ModelTypes['Message']>(parent),
  });
}
