/**
 * The poll and scheduled-event calls of the typed bridge (./bridge.ts, the same part): what crosses to send
 * a poll or an event, to vote, to answer or edit an event, the votes the app reports, and the features each
 * call needs. Types and one table of constants; it imports nothing.
 */

/** A poll to send (whatsapp-web.js's `Poll`): option names in order; `messageSecret` 32 bytes, or one is made. */
export interface PagePollInput {
  name: string;
  options: string[];
  allowMultipleAnswers: boolean;
  messageSecret?: number[];
}

/** A scheduled event to send or edit (whatsapp-web.js's `ScheduledEvent`); times in seconds. */
export interface PageEventInput {
  name: string;
  startTime: number;
  description?: string;
  endTime?: number;
  location?: string;
  /** `voice`, `video` or `none` (no call link); absent: the app's default. */
  callType?: string;
  isEventCanceled: boolean;
  messageSecret?: number[];
}

/** A buttons message as whatsapp-web.js 1.34.7 still sends one: its text (empty for a media body), buttons, title, footer. */
export interface PageButtonsInput {
  body: string;
  buttons: Array<{ buttonId: string; buttonText: { displayText: string }; type: number }>;
  title?: string;
  footer?: string;
}

/** A list message as whatsapp-web.js 1.34.7 still sends one. */
export interface PageListInput {
  description: string;
  buttonText: string;
  sections: unknown[];
  title?: string;
  footer?: string;
}

/** Poll, event, buttons and list contents (members of `PageContent`). */
export type PagePollContent =
  | { kind: 'poll'; poll: PagePollInput }
  | { kind: 'event'; event: PageEventInput }
  | { kind: 'buttons'; buttons: PageButtonsInput }
  | { kind: 'list'; list: PageListInput };

/** What a poll or an event message carries (members of `PageMessage`). */
export interface PagePollFields {
  /** `poll_creation`: the question, the options with their local ids, how many one may choose (0: any). */
  poll?: { name: string; options: Array<{ name: string; localId: number }>; selectableCount: number; messageSecret: number[] };
  /** `event_creation`: the event as last edited (times in seconds). */
  event?: {
    name: string;
    description?: string;
    startTime: number;
    endTime?: number;
    location?: { degreesLatitude: number; degreesLongitude: number; name?: string };
    joinLink?: string;
    isEventCanceled: boolean;
    messageSecret: number[];
  };
}

/** A vote on a poll, as the app stores it: who, the chosen local ids (none: took it back), when (ms). */
export interface PagePollVote {
  msgKey: string;
  parentMsgKey: string;
  voter: string;
  selectedOptionLocalIds: number[];
  senderTimestampMs: number;
}

/** The page calls for polls and events (members of `PageApi`). */
export interface PagePollApi {
  /** Votes on a poll with the options of these names; false when the device has no such poll. */
  vote(messageId: string, optionNames: string[]): Promise<boolean>;
  /** The votes on a poll, each voter's latest. */
  pollVotes(messageId: string): Promise<PagePollVote[]>;
  /** Answers an event (0 none, 1 going, 2 not going, 3 maybe); false when the device has no such message. */
  respondToEvent(messageId: string, response: number): Promise<boolean>;
  /** Edits an own event; false when the device has no such message. */
  editEvent(messageId: string, event: PageEventInput): Promise<boolean>;
}

/** The features each poll call needs (part of `PAGE_API_FEATURES`, which checks them against `PageFeature`). */
export const POLL_API_FEATURES = {
  vote: ['messages', 'polls'],
  pollVotes: ['messages', 'polls'],
  respondToEvent: ['messages', 'polls'],
  editEvent: ['messages', 'polls'],
} as const;
