/**
 * Messages between the simulated WhatsApp Web page and the simulated WhatsApp
 * servers, over the page's same-origin WebSocket (`wss://web.whatsapp.com/ws`).
 * Types only: imported by the page bundle and by the Node server.
 */

import type { OutgoingMessage, WireEvent, WireMessage, WireOrder } from './protocol-messages';
import type {
  WireWid,
  WireGroup,
  WireCall,
  WireNewsletter,
  NewsletterRequest,
  WireStanza,
  GroupRequest,
  ChatSettings,
  WireContact,
  WireBusinessData,
} from './protocol-records';

export type { OutgoingMessage, WireEvent, WireGroupMention, WireMedia, WireMessage, WirePoll, WireVcard } from './protocol-messages';
export type { WireListReply, WireOrder, WireOrderProduct, WirePayment } from './protocol-messages';
export type * from './protocol-records';

/** A legacy (pre-multi-device) session: four localStorage values, checked by the server on every load. */
export interface LegacyTokens {
  WABrowserId: string;
  WASecretBundle: string;
  WAToken1: string;
  WAToken2: string;
}

export const LEGACY_TOKEN_KEYS = ['WABrowserId', 'WASecretBundle', 'WAToken1', 'WAToken2'] as const;

export interface SessionInfo {
  deviceId: string;
  wid: WireWid;
  /** The account's LID (`<digits>@lid`), which some chats are addressed by. */
  lid?: WireWid;
  pushname: string;
  platform: string;
}

/** Page → server. */
export type ClientFrame =
  | { t: 'login'; deviceId: string; signature: string }
  | { t: 'legacy-login'; tokens: LegacyTokens }
  | { t: 'pair'; identityPub: string; noisePub: string; advSecret: string; platform: string; browser: string }
  /** Sent once linked: the app's `WAWebMiscBrowserUtils.info()` then, what the phone's linked-devices list shows. */
  | { t: 'device-props'; deviceName: string; browser: string }
  | { t: 'refresh-qr' }
  | { t: 'pair-code'; phone: string }
  | { t: 'takeover' }
  | { t: 'logout'; reqId: number }
  | { t: 'send'; reqId: number; msg: OutgoingMessage }
  | { t: 'seen'; chatId: string }
  | { t: 'chatstate'; chatId: string; state: string }
  /** The chat the app window opened (at a message, when `msgId` is set): the simulator shows it on the device. */
  | { t: 'window'; chatId: string; msgId: string | null }
  | { t: 'revoke-own'; chatId: string; id: string }
  | { t: 'react'; chatId: string; id: string; fromMe: boolean; reaction: string }
  | { t: 'edit'; chatId: string; id: string; body: string }
  | { t: 'status'; text: string }
  | { t: 'pushname'; name: string }
  | { t: 'chat-settings'; chatId: string; settings: ChatSettings }
  /** A device starred or pinned a message (or took it back). */
  | { t: 'msg-flag'; chatId: string; id: string; fromMe: boolean; flag: 'starred' | 'pinned'; value: boolean }
  /** A chat's (a user's or a group's) profile picture: asked for, set (base64 JPEGs) or deleted. */
  | { t: 'picture'; reqId: number; chatId: string }
  | { t: 'set-picture'; reqId: number; chatId: string; full: string; thumb: string }
  | { t: 'delete-picture'; reqId: number; chatId: string }
  | { t: 'block'; number: string; blocked: boolean }
  | { t: 'about'; reqId: number; number: string }
  /** A device saves (or renames) a contact in the phone's address book, or deletes it. */
  | { t: 'save-contact'; number: string; name: string }
  | { t: 'delete-contact'; number: string }
  /** A device asks which devices a user has (its phone is device 0). */
  | { t: 'devices'; reqId: number; number: string }
  | { t: 'exists'; reqId: number; number: string }
  /** A group change or query from a device (create, participants, subject, description, settings, leave). */
  | { t: 'group-request'; reqId: number; request: GroupRequest }
  | { t: 'history-ack'; bytes: number }
  /** A business account's device labels chats (`add`) or takes labels off them. */
  | { t: 'labels'; changes: Array<{ chatId: string; labelId: string; add: boolean }> }
  /** A business account's device writes (or rewrites) its note on a customer (`<digits>@s.whatsapp.net`). */
  | { t: 'note'; chatJid: string; content: string }
  /** A device asks the phone for a chat's older messages (on-demand history sync). */
  | { t: 'history-request'; chatId: string }
  /** Polls and events: a device votes on a poll (option indexes; none takes the vote back), answers an event, edits its own event. */
  | { t: 'poll-vote'; chatId: string; id: string; fromMe: boolean; selected: number[] }
  | { t: 'event-response'; chatId: string; id: string; fromMe: boolean; response: number }
  | { t: 'event-edit'; chatId: string; id: string; event: WireEvent }
  /** Calls: a stanza the app casts (a call's reject), a call link the app asks for (`createEventCallLink`). */
  | { t: 'stanza'; stanza: WireStanza }
  | { t: 'call-link'; reqId: number; startTime: number; callType: string }
  /** Channels: a device's channel request (create, preview, subscribe, edit, post, admins, ...). */
  | { t: 'newsletter'; reqId: number; request: NewsletterRequest }
  /** `WAWebBizOrderBridge.queryOrder`: an order's details, by its id and the token its message carries. */
  | { t: 'order'; reqId: number; orderId: string; token: string };

/** Server → page. */
export type ServerFrame =
  | { t: 'challenge'; nonce: string }
  | { t: 'login-ok'; session: SessionInfo; offline: number }
  | { t: 'login-rejected'; reason: 'unlinked' | 'bad-signature' | 'unknown-device' | 'bad-tokens' }
  | { t: 'ref'; ref: string }
  | { t: 'idle' }
  | { t: 'pair-code'; code: string }
  | { t: 'paired'; session: SessionInfo; offline: number; legacy?: LegacyTokens }
  | { t: 'offline'; progress: number; msg?: WireMessage }
  | { t: 'synced' }
  | { t: 'msg'; msg: WireMessage }
  | { t: 'sent'; reqId: number; msg: WireMessage }
  | { t: 'ack'; chatId: string; id: string; ack: number }
  /**
   * History. `ends`: per chat, whether older messages remain on the phone after this batch (the app's
   * `endOfHistoryTransferType`: 0 some remain, 1 none).
   */
  | { t: 'old-msgs'; msgs: WireMessage[]; ends?: Record<string, 0 | 1> }
  | { t: 'contacts'; contacts: WireContact[] }
  /** A business account's labels and notes (at login, and after every change by its phone or a device). */
  | { t: 'business'; data: WireBusinessData }
  | { t: 'group'; group: WireGroup }
  /**
   * The answer to a `group-request`: `status` 200, or the server's refusal (403 not allowed, 404 no such
   * group or not a member, 400 bad input); per participant results (200, 403, 404, 409) and the group.
   */
  | {
      t: 'group-result';
      reqId: number;
      status: number;
      group?: WireGroup;
      /** Per participant; a refused add comes with a private invite the admin may send (`inviteCode`, `inviteExpiration`). */
      results?: Array<{ id: string; status: number; inviteCode?: string; inviteExpiration?: number }>;
      /** Invites: the link code; what a code leads to (not learned as a chat); a join that waits for an admin. */
      code?: string;
      preview?: WireGroup;
      pending?: boolean;
    }
  | { t: 'reaction'; chatId: string; parentId: string; parentFromMe: boolean; from: string; id: string; reaction: string }
  /** An edit: the new text, and the edit's own message id and the sender's time of it (milliseconds). */
  | { t: 'edited'; chatId: string; id: string; body: string; editId: string; editedAtMs: number }
  /** The contact of a chat pinned a message in it for `seconds`, or unpinned it. */
  | { t: 'pin'; chatId: string; id: string; fromMe: boolean; pinned: boolean; seconds: number }
  /** The phone locked a chat, or unlocked it (sent again at each login for every locked chat). */
  | { t: 'chat-locked'; chatId: string; locked: boolean }
  | { t: 'exists'; reqId: number; wid: WireWid | null; lid: WireWid | null }
  /** The answer about a profile picture: `status` 200 with where it is, 404 none, 401 not allowed. */
  | { t: 'picture'; reqId: number; status: number; eurl?: string; id?: string }
  /** A contact's "about" text (null when it set none). */
  | { t: 'about'; reqId: number; status: string | null }
  /** A user's device numbers (0 the phone, then its linked devices); null for a number not on WhatsApp. */
  | { t: 'devices'; reqId: number; devices: number[] | null }
  | { t: 'decrypt'; chatId: string; id: string; type: string; body: string }
  | { t: 'revoke'; chatId: string; id: string; fromMe: boolean }
  /** The account's phone deleted a message for itself (app state sync): its devices drop it too. */
  | { t: 'delete-for-me'; chatId: string; id: string; fromMe: boolean }
  | { t: 'conflict' }
  | { t: 'takeover-ok' }
  | { t: 'logged-out'; reqId?: number }
  | { t: 'history'; chunk: string; seq: number; last: boolean }
  /** The app reloads its own page (an update): `location.reload()`, then a login with the stored session. */
  | { t: 'reload' }
  /** A contact voted on a poll in its chat (`id` the vote's own message id; `atMs` the sender's time of it). */
  | { t: 'poll-vote'; chatId: string; parentId: string; parentFromMe: boolean; from: string; id: string; selected: number[]; atMs: number }
  /** A contact calls the account (every online device gets the offer); the link the servers made (null: refused). */
  | { t: 'call'; call: WireCall }
  | { t: 'call-link'; reqId: number; link: string | null }
  /**
   * Channels: the answer to a `newsletter` request (`status` 200, 403 not allowed, 404 no such channel, 400
   * bad input), with the channel as this account sees it, a post's server id and time, or the subscribers.
   */
  | {
      t: 'newsletter-result';
      reqId: number;
      status: number;
      channel?: WireNewsletter;
      post?: { serverId: number; t: number };
      subscribers?: Array<{ id: string; role: string }>;
      /** A directory search's channels. */
      channels?: WireNewsletter[];
    }
  /** A channel the account is in changed (created, subscribed, edited, deleted, its role): every device learns it. */
  | { t: 'newsletter'; channel: WireNewsletter }
  | { t: 'order'; reqId: number; order: WireOrder | null };

export const SIM_WS_PATH = '/ws';

/** The app build the simulator serves unless told otherwise: its `Debug.VERSION`. */
export const DEFAULT_BUILD = '2.3000.1017054665';

/**
 * What the server wraps around a build's app script, as the constant `SIMULATOR_BUILD` in the
 * script's own scope (no global): which build the app is. The real app's version, too, comes
 * with its scripts, not with the HTML.
 */
export interface SimulatorBuildInfo {
  version: string;
  /**
   * What this build's app lacks (a drift variant): module names (`WAWebSendReactionMsgAction`) or a
   * module's own member (`WAWebUserPrefsMultiDevice.getADVSecretKey`), left out of its module registry
   * before the app boots. Variants only take away: a build never gains what the real app lacks.
   */
  without?: string[];
  /** Modules this build names differently (old name → new name): the old name is gone, the module is the same. */
  renamed?: Record<string, string>;
  /** Changes in behaviour this build reproduces ({@link SimulatorBreak}). */
  breaks?: SimulatorBreak[];
}

/**
 * WhatsApp Web changes of 2026 a drift variant can reproduce:
 * - `sendSeen-missing-field`: `WAWebUpdateUnreadChatAction.sendSeen` reads a chat field this build no longer has and
 *   throws a `TypeError` (every send of a client that marks the chat seen first failed; WAHA #1810);
 * - `loadEarlierMsgs-positional`: `WAWebChatLoadMessages.loadEarlierMsgs` takes the chat itself, not `{ chat }`
 *   (`fetchMessages` failed on it; WAHA #2020);
 * - `keys-without-serialized`: message keys have no `_serialized`; `toString()` still gives the serialized key.
 */
export type SimulatorBreak = 'sendSeen-missing-field' | 'loadEarlierMsgs-positional' | 'keys-without-serialized';

export const SIMULATOR_BREAKS: readonly SimulatorBreak[] = [
  'sendSeen-missing-field',
  'loadEarlierMsgs-positional',
  'keys-without-serialized',
];
