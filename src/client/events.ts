import type { RestoreFailedInfo, SessionSavedInfo } from '../auth/strategy';
import type { AuthFailureError, WawebError, WebContractMiss } from '../errors';
import type { Call } from './model/call';
import type { Chat } from './model/chat';
import type { BatteryInfo } from './model/client-info';
import type { GroupNotification } from './model/group-notification';
import type { Message } from './model/message';
import type { PollVote } from './model/poll-vote';
import type { Reaction } from './model/reaction';
import type { DisconnectReason } from './options';
import type { BuildMiss } from '../web/build-cache';
import type { Events, MessageAck } from './constants';
import type { WAState } from '../web/states';

/** A pinned WhatsApp Web build was not run; the live app runs instead (`web_version_fallback`). */
export interface WebVersionFallback {
  /** The `webVersion` asked for (undefined with a `remotePath` that names no version). */
  requested: string | undefined;
  /** `not-cached` (not in the cache or the archive), `unreachable` (the archive), `no-boot` (its HTML did not boot). */
  reason: BuildMiss;
  /** What was tried and what happened (a path or URL, an HTTP status, the boot's error). */
  detail: string;
}

/** The running WhatsApp Web build lacks members of optional features (`web_contract`): those features are off. */
export interface WebContractReport {
  /** The build (`Debug.VERSION`). */
  build: string;
  missing: WebContractMiss[];
}

/** The boot's whole contract check (`client.webContract`): the report plus how many manifest rows it covered. */
export interface WebContractCheck extends WebContractReport {
  checked: number;
}

/** The client's events: names and payloads as whatsapp-web.js users know them. */
export type ClientEvents = {
  qr: [qr: string];
  authenticated: [payload: unknown];
  auth_failure: [failure: AuthFailureError];
  ready: [];
  change_state: [state: string];
  loading_screen: [percent: number, message: string];
  disconnected: [reason: DisconnectReason];
  message: [message: Message];
  message_create: [message: Message];
  /** An undecryptable placeholder arrived; `message` follows once it decrypts. */
  message_ciphertext: [message: Message];
  message_ack: [message: Message, ack: MessageAck];
  /** An own media message finished uploading. */
  media_uploaded: [message: Message];
  /** A pairing code to type on the phone (`pairWithPhoneNumber` or `requestPairingCode()`). */
  code: [code: string];
  /** The message as it is now (revoked), and as it arrived (`before`, for the last 500 new messages; else undefined). */
  message_revoke_everyone: [message: Message, before?: Message | null];
  message_edit: [message: Message, newBody: string, prevBody: string];
  message_reaction: [reaction: Reaction];
  group_join: [notification: GroupNotification];
  group_leave: [notification: GroupNotification];
  group_admin_changed: [notification: GroupNotification];
  group_update: [notification: GroupNotification];
  remote_session_saved: [info: SessionSavedInfo];
  /** A RemoteAuth backup failed (also emitted as `error`): retried, unless refused `FENCED`. */
  remote_session_save_failed: [error: WawebError];
  /** A RemoteAuth restore did not log in: the generation, why, and what is tried next (no `qr` for it). */
  remote_session_restore_failed: [info: RestoreFailedInfo];
  /**
   * Failures that do not stop the client (a backup that will be retried, a page-side error), always a
   * `WawebError` with a `code` and the original in `cause`. Without a listener they are logged, never dropped.
   */
  error: [error: WawebError];
  /** A chat left the list (deleted here or on another device): the chat as it was. */
  chat_removed: [chat: Chat];
  /** A chat was archived or unarchived, here or on another device. */
  chat_archived: [chat: Chat, currState: boolean, prevState: boolean];
  /** A chat's unread count changed (-1: marked unread). */
  unread_count: [chat: Chat];
  // whatsapp-web.js's events waweb does not emit yet (issues 26 and 27): listeners are accepted, never called.
  message_ciphertext_failed: [message: Message];
  message_revoke_me: [message: Message];
  contact_changed: [message: Message, oldId: string, newId: string, isContact: boolean];
  group_membership_request: [notification: GroupNotification];
  call: [call: Call];
  /** Deprecated in whatsapp-web.js. */
  change_battery: [batteryInfo: BatteryInfo];
  vote_update: [vote: PollVote];
  /** A pinned build (`webVersion`) could not be had or did not boot, and its cache is not `strict`: the live app runs. */
  web_version_fallback: [info: WebVersionFallback];
  /** The build lacks members some features need: calls that need them fail with `INCOMPATIBLE_WEB`. */
  web_contract: [report: WebContractReport];
};

/** The client's typed `emit`. */
export type EmitClientEvent = <K extends keyof ClientEvents>(event: K, ...args: ClientEvents[K]) => void;

/** whatsapp-web.js's event names: `on` also takes listeners typed as its declarations type them. */
export type WwebjsEventName = `${Events}`;

/**
 * whatsapp-web.js's events with the arguments its declaration gives their listeners (its classes being
 * waweb's: each waweb object is a whatsapp-web.js object). `client.on` takes a listener typed this way
 * or by {@link ClientEvents}. The four names below are emitted with waweb's payload, which such a
 * listener gets at run time too (the migration guide lists how each differs): `auth_failure` an
 * `AuthFailureError` whose `message` is the text whatsapp-web.js passes; `loading_screen` a number (as
 * whatsapp-web.js emits it); `disconnected` and `change_state` reasons and states beyond its unions.
 */
export type WwebjsEvents = Omit<
  Pick<ClientEvents, WwebjsEventName>,
  'auth_failure' | 'loading_screen' | 'disconnected' | 'change_state'
> & {
  auth_failure: [message: string];
  loading_screen: [percent: string, message: string];
  disconnected: [reason: WAState | 'LOGOUT'];
  change_state: [state: WAState];
};
