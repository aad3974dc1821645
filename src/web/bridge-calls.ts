/**
 * The call calls of the typed bridge (./bridge.ts, the same part): what crosses for incoming calls
 * (the `call` report, rejecting one) and call links, and the features each call needs. Types and one
 * table of constants; it imports nothing.
 */

/** The features of calls: hearing and rejecting them, and making call links. */
export type CallFeature = 'calls' | 'call-links';

/** A call the account is offered, as the app keeps it in `WAWebCallCollection`. */
export interface PageCall {
  id: string;
  /** The caller's id (`<number>@c.us`). */
  peerJid: string;
  isVideo: boolean;
  isGroup: boolean;
  outgoing: boolean;
  canHandleLocally: boolean;
  webClientShouldHandle: boolean;
  /** Group calls: who is invited, as the app lists them. */
  participants: unknown;
  /** Seconds since the epoch, when the app has it. */
  offerTime?: number;
}

/** The report of a call offered to the account. */
export type PageCallEvent = { type: 'call'; call: PageCall };

/** The page calls about calls (members of `PageApi`). */
export interface PageCallApi {
  /** Turns a call down: the caller's phone sees it rejected. */
  rejectCall(peerJid: string, callId: string): Promise<void>;
  /** A call link for a call starting at `startTime` (seconds); '' when the app made none. */
  createCallLink(startTime: number, callType: 'voice' | 'video'): Promise<string>;
}

/** The features each call call needs (part of `PAGE_API_FEATURES`, which checks them against `PageFeature`). */
export const CALL_API_FEATURES = {
  rejectCall: ['calls'],
  createCallLink: ['call-links'],
} as const;
