/**
 * The one typed bridge between waweb's page-side script and Node: the page reports through one exposed binding,
 * Node calls into `window.__waweb`. Types, names and one table of constants, imported by both sides; it imports
 * only its own parts: the data that crosses (./bridge-messages.ts) and each area's calls (./bridge-groups.ts,
 * -contacts.ts, -interface.ts, -chats.ts, -business.ts, -polls.ts, -status.ts, -phone.ts, -channels.ts).
 */
import { CHAT_API_FEATURES, type PageChatApi } from './bridge-chats';
import { CONTACT_API_FEATURES, type PageContact, type PageContactApi } from './bridge-contacts';
import { INTERFACE_API_FEATURES, type PageInterfaceApi } from './bridge-interface';
import type { PageStickerPack } from './bridge-media';
import { GROUP_API_FEATURES, type PageGroupApi } from './bridge-groups';
import { BUSINESS_API_FEATURES, type PageBusinessApi } from './bridge-business';
import { POLL_API_FEATURES, type PagePollApi, type PagePollInput, type PagePollVote } from './bridge-polls';
import { STATUS_API_FEATURES, type PageStatusApi } from './bridge-status';
import { PHONE_API_FEATURES, type PhoneFeature, type PagePhoneApi, type PagePhoneEvent } from './bridge-phone';
import { CHANNEL_API_FEATURES, type ChannelFeature, type PageChannelApi } from './bridge-channels';
import type {
  PageMessage,
  PageMessageInfo,
  PageContent,
  PageMedia,
  PageSendOptions,
  PageChat,
  PageReaction,
  PageReactionGroup,
  PageGroupNotification,
} from './bridge-messages';

/** Name of the binding Node exposes; the page calls it with a JSON-encoded `PageEvent`. */
export const BRIDGE_BINDING = '__wawebEmit';
/** Name of the page-side API object waweb installs. */
export const PAGE_API = '__waweb';

export type * from './bridge-messages';
export type { PageChatAction, PageChatActionResult } from './bridge-chats';
export type { PageContact } from './bridge-contacts';
export type { PageCustomerNote, PageLabel } from './bridge-business';
export type { PageOrder, PageOrderProduct, PagePayment } from './bridge-business';
export type { PageChatPane, PageMessagePane } from './bridge-interface';
export type {
  PageAddInvite,
  PageAddResult,
  PageCreateGroupOptions,
  PageCreateGroupResult,
  PageGroupProperty,
  PageInviteV4,
  PageMembershipRequest,
  PageMembershipResult,
} from './bridge-groups';

export interface PageInfo {
  wid: { server: string; user: string; _serialized: string } | null;
  pushname: string | null;
  platform: string | null;
}

/** What a part of waweb needs from the app; `login` is required, the others can be switched off. */
export type PageFeature =
  | 'login'
  | 'messages'
  | 'sending'
  | 'media'
  | 'chats'
  | 'contacts'
  | 'reactions'
  | 'editing'
  | 'pairing-code'
  | 'links'
  | 'profile'
  | 'pictures'
  | 'blocking'
  | 'contact-tools'
  | 'message-actions'
  | 'preferences'
  | 'chat-actions'
  | 'groups'
  | 'group-invites'
  | 'interface'
  | 'lid'
  | 'stickers'
  | 'business'
  | 'polls'
  | 'status'
  | PhoneFeature
  | ChannelFeature;

/** One member of the page contract the booted app lacks (`found: 'missing'`) or has with another kind. */
export interface PageContractMiss {
  module: string;
  /** The member path inside the module (`Socket`, `waNoiseInfo.get`). */
  member: string;
  feature: PageFeature;
  expected: 'function' | 'object' | 'value';
  /** `missing`, the `typeof` found instead, or `changed` for a member that is there but no longer works as called. */
  found: string;
  /** For `changed`: what the call threw. */
  detail?: string;
}

/**
 * Starts the message of a page call's error when a member of the app failed the way an app update breaks it
 * (a `TypeError` from inside it): a `PageContractMiss` as JSON follows on the same line.
 */
export const DRIFT_MARK = 'waweb-web-drift ';

export type PageEvent =
  /** `missing`: what the contract check found absent or of the wrong kind (empty when the build has it all). */
  | {
      type: 'booted';
      version: string;
      state: string;
      hasSynced: boolean;
      hadSession: boolean;
      missing: PageContractMiss[];
      /** How many manifest rows the check covered. */
      checked: number;
    }
  | { type: 'state'; state: string }
  | { type: 'qr'; qr: string }
  | { type: 'synced' }
  | { type: 'loading'; percent: number }
  | { type: 'logout'; source: 'logout' | 'logout_from_bridge' }
  | { type: 'message'; message: PageMessage }
  /** An undecryptable placeholder arrived; a `message` follows when it decrypts. */
  | { type: 'ciphertext'; message: PageMessage }
  /** A placeholder still undecrypted 15 s after it arrived (whatsapp-web.js's wait); a `message` may still follow. */
  | { type: 'ciphertextFailed'; message: PageMessage }
  | { type: 'ack'; message: PageMessage; ack: number }
  /** An own media message finished uploading. */
  | { type: 'mediaUploaded'; message: PageMessage }
  /** Deleted for everyone; `before`: the message as it was, when the adapter saw it arrive. */
  | { type: 'revoked'; message: PageMessage; before?: PageMessage }
  /** A new message deleted on this device only. */
  | { type: 'removed'; message: PageMessage }
  | { type: 'edited'; message: PageMessage; body: string; previous: string }
  | { type: 'reaction'; reaction: PageReaction }
  | { type: 'vote'; vote: PagePollVote; parent: PageMessage | null }
  | { type: 'group'; kind: 'join' | 'leave' | 'admin' | 'update' | 'request'; notification: PageGroupNotification }
  /** A contact (`isContact`) or a group member changed number: the notification, the old and the new id. */
  | { type: 'contactChanged'; message: PageMessage; oldId: string; newId: string; isContact: boolean }
  /** A chat archived or unarchived, removed from the list, or its unread count changed: the chat as it is now. */
  | { type: 'chat'; change: 'archived'; chat: PageChat; archived: boolean; previous: boolean }
  | { type: 'chat'; change: 'removed' | 'unread'; chat: PageChat }
  | { type: 'error'; message: string }
  /** The page adapter could not hook into the app (e.g. a module it needs is missing). */
  | { type: 'startFailed'; message: string }
  | PagePhoneEvent;

/** What the adapter is installed with (a constant around its bundle, never a global of the page). */
export interface PageOptions {
  /** whatsapp-web.js's `deviceName` and `browserName`: what the phone lists the linked device as. */
  deviceName?: string;
  browserName?: string;
}

/** What `window.__waweb` offers once the app has booted. */
export interface PageApi
  extends
    PageGroupApi,
    PageContactApi,
    PageInterfaceApi,
    PageChatApi,
    PageBusinessApi,
    PagePollApi,
    PageStatusApi<PageMessage, PageMedia>,
    PagePhoneApi,
    PageChannelApi<PageMessage, PageMedia, PageSendOptions, PagePollInput> {
  state(): string | null;
  info(): PageInfo;
  send(chatId: string, content: PageContent, options: PageSendOptions): Promise<PageMessage>;
  forward(messageId: string, chatId: string): Promise<void>;
  /** Asks the app for a pairing code for `phone` (digits with country code). */
  pairingCode(phone: string, notify: boolean): Promise<string>;
  sendMedia(chatId: string, media: PageMedia, options: PageSendOptions): Promise<PageMessage>;
  downloadMedia(messageId: string): Promise<PageMedia | null>;
  sendSticker(chatId: string, media: PageMedia, pack: PageStickerPack, options: PageSendOptions): Promise<PageMessage>;
  getChats(): Promise<PageChat[]>;
  getChat(chatId: string): Promise<PageChat | null>;
  getContacts(): Promise<PageContact[]>;
  getContact(contactId: string): Promise<PageContact>;
  numberId(number: string): Promise<string | null>;
  fetchMessages(chatId: string, limit?: number, fromMe?: boolean): Promise<PageMessage[]>;
  react(messageId: string, reaction: string): Promise<void>;
  edit(messageId: string, body: string): Promise<PageMessage | null>;
  remove(messageId: string, everyone: boolean): Promise<'everyone' | 'me'>;
  quotedMessage(messageId: string): Promise<PageMessage | null>;
  logout(): Promise<void>;
  takeover(): void;
  refreshQr(): void;
  localStorageEntries(): Array<[string, string]>;
  setLocalStorageItem(key: string, value: string): void;
  profilePicUrl(chatId: string): Promise<string | null>;
  setPicture(chatId: string, media: PageMedia): Promise<boolean>;
  deletePicture(chatId: string): Promise<boolean>;
  starMessage(messageId: string, starred: boolean): Promise<boolean>;
  pinMessage(messageId: string, pinned: boolean, duration: number): Promise<boolean>;
  messageInfo(messageId: string): Promise<PageMessageInfo | null>;
  searchMessages(query: string, page?: number, count?: number, chatId?: string): Promise<PageMessage[]>;
  getMessage(messageId: string): Promise<PageMessage | null>;
  /** The messages pinned in a chat (empty when the app has no such chat). */
  pinnedMessages(chatId: string): Promise<PageMessage[]>;
  /** A message's reactions by emoji; `null` when it has none. */
  reactions(messageId: string): Promise<PageReactionGroup[] | null>;
  setAutoDownload(kind: 'audio' | 'documents' | 'photos' | 'videos', flag: boolean): Promise<void>;
  setBackgroundSync(flag: boolean): Promise<boolean>;
  reconnect(): Promise<void>;
}

/** The features each page call needs (beyond `login`): a call whose feature the build lacks is refused in Node. */
export const PAGE_API_FEATURES: { readonly [M in keyof PageApi]: readonly PageFeature[] } = {
  ...GROUP_API_FEATURES,
  ...CONTACT_API_FEATURES,
  ...INTERFACE_API_FEATURES,
  ...CHAT_API_FEATURES,
  ...BUSINESS_API_FEATURES,
  ...POLL_API_FEATURES,
  ...PHONE_API_FEATURES,
  ...STATUS_API_FEATURES,
  ...CHANNEL_API_FEATURES,
  state: [],
  info: [],
  send: ['messages', 'chats', 'sending'],
  forward: ['messages', 'chats', 'sending'],
  pairingCode: ['pairing-code'],
  sendMedia: ['messages', 'chats', 'sending', 'media'],
  downloadMedia: ['messages', 'media'],
  sendSticker: ['messages', 'chats', 'sending', 'stickers'],
  getChats: ['messages', 'chats'],
  getChat: ['messages', 'chats'],
  getContacts: ['contacts'],
  getContact: ['messages', 'contacts'],
  numberId: ['messages', 'contacts'],
  fetchMessages: ['messages', 'chats'],
  react: ['messages', 'reactions'],
  edit: ['messages', 'editing'],
  remove: ['messages', 'chats', 'editing'],
  quotedMessage: ['messages'],
  logout: [],
  takeover: [],
  refreshQr: [],
  localStorageEntries: [],
  setLocalStorageItem: [],
  profilePicUrl: ['chats', 'pictures'],
  setPicture: ['pictures'],
  deletePicture: ['pictures'],
  starMessage: ['messages', 'chats', 'message-actions'],
  pinMessage: ['messages', 'message-actions'],
  messageInfo: ['messages', 'message-actions'],
  searchMessages: ['messages', 'message-actions'],
  getMessage: ['messages'],
  pinnedMessages: ['messages', 'chats', 'message-actions'],
  reactions: ['messages', 'reactions'],
  setAutoDownload: ['preferences'],
  setBackgroundSync: ['preferences'],
  reconnect: ['preferences'],
};
