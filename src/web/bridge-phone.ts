/**
 * The phone's calls of the typed bridge (./bridge.ts, the same part): what crosses for the calls the phone
 * gets (the `call` report, rejecting one) and call links, its battery, and leaving the pairing-code flow
 * for QR codes; and the features each call needs. Types and one table of constants; it imports nothing.
 */

/** The features of calls: hearing and rejecting them, and making call links. */
export type PhoneFeature = 'calls' | 'call-links';

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

/** The report of a call offered to the account, or of the phone's battery (never on multi-device sessions). */
export type PagePhoneEvent = { type: 'call'; call: PageCall } | { type: 'battery'; battery: number; plugged: boolean };

/** What the app's connection says of the phone's battery (nothing on multi-device sessions). */
export interface PageBattery {
  battery?: number;
  plugged?: boolean;
}

/** The page calls about the phone (members of `PageApi`). */
export interface PagePhoneApi {
  /** `Conn.battery` and `Conn.plugged`, as whatsapp-web.js reads them. */
  battery(): PageBattery;
  /** Leaves the pairing-code flow: the app shows QR codes again. */
  cancelPairingCode(): Promise<void>;
  /** Turns a call down: the caller's phone sees it rejected. */
  rejectCall(peerJid: string, callId: string): Promise<void>;
  /** A call link for a call starting at `startTime` (seconds); '' when the app made none. */
  createCallLink(startTime: number, callType: 'voice' | 'video'): Promise<string>;
}

/** The features each phone call needs (part of `PAGE_API_FEATURES`, which checks them against `PageFeature`). */
export const PHONE_API_FEATURES = {
  battery: [],
  cancelPairingCode: ['pairing-code'],
  rejectCall: ['calls'],
  createCallLink: ['call-links'],
} as const;
