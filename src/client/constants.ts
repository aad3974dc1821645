/**
 * The constants whatsapp-web.js exports beside its classes, with its names and values, so
 * `const { Events, MessageTypes } = require('waweb')` works as before. They are `enum`s, not `as const`
 * objects, because whatsapp-web.js declares enums and TypeScript relates an enum only to an enum of the
 * same name with the same members: a value of waweb's `MessageTypes` is a whatsapp-web.js `MessageTypes`.
 */
import { DEFAULT_USER_AGENT } from './launch';

/** waweb's own version (whatsapp-web.js exports its own under this name). */
export const version = '0.1.0';

/** The address the client opens. */
export const WhatsWebURL = 'https://web.whatsapp.com/';

/** The defaults of waweb's `ClientOptions` that whatsapp-web.js also has (docs/client.md lists all). */
export const DefaultOptions = {
  puppeteer: { headless: true, defaultViewport: null },
  authTimeoutMs: 0,
  qrMaxRetries: 0,
  takeoverOnConflict: false,
  takeoverTimeoutMs: 0,
  userAgent: DEFAULT_USER_AGENT,
  ffmpegPath: 'ffmpeg',
  bypassCSP: false,
  proxyAuthentication: undefined,
  // No `pairWithPhoneNumber`: whatsapp-web.js's default (an empty phone number) means "off", which
  // waweb spells by leaving the option out; `new Client(DefaultOptions)` must start with a QR.
};

export enum Status {
  INITIALIZING = 0,
  AUTHENTICATING = 1,
  READY = 3,
}

/** The client's event names as whatsapp-web.js's constants name them. */
export enum Events {
  AUTHENTICATED = 'authenticated',
  AUTHENTICATION_FAILURE = 'auth_failure',
  READY = 'ready',
  CHAT_REMOVED = 'chat_removed',
  CHAT_ARCHIVED = 'chat_archived',
  MESSAGE_RECEIVED = 'message',
  MESSAGE_CIPHERTEXT = 'message_ciphertext',
  MESSAGE_CIPHERTEXT_FAILED = 'message_ciphertext_failed',
  MESSAGE_CREATE = 'message_create',
  MESSAGE_REVOKED_EVERYONE = 'message_revoke_everyone',
  MESSAGE_REVOKED_ME = 'message_revoke_me',
  MESSAGE_ACK = 'message_ack',
  MESSAGE_EDIT = 'message_edit',
  UNREAD_COUNT = 'unread_count',
  MESSAGE_REACTION = 'message_reaction',
  MEDIA_UPLOADED = 'media_uploaded',
  CONTACT_CHANGED = 'contact_changed',
  GROUP_JOIN = 'group_join',
  GROUP_LEAVE = 'group_leave',
  GROUP_ADMIN_CHANGED = 'group_admin_changed',
  GROUP_MEMBERSHIP_REQUEST = 'group_membership_request',
  GROUP_UPDATE = 'group_update',
  QR_RECEIVED = 'qr',
  CODE_RECEIVED = 'code',
  LOADING_SCREEN = 'loading_screen',
  CALL = 'call',
  DISCONNECTED = 'disconnected',
  STATE_CHANGED = 'change_state',
  BATTERY_CHANGED = 'change_battery',
  REMOTE_SESSION_SAVED = 'remote_session_saved',
  // eslint-disable-next-line @typescript-eslint/no-duplicate-enum-values -- whatsapp-web.js names the call event twice
  INCOMING_CALL = 'call',
  VOTE_UPDATE = 'vote_update',
}

export enum GroupNotificationTypes {
  ADD = 'add',
  INVITE = 'invite',
  REMOVE = 'remove',
  LEAVE = 'leave',
  PROMOTE = 'promote',
  DEMOTE = 'demote',
  SUBJECT = 'subject',
  DESCRIPTION = 'description',
  PICTURE = 'picture',
  ANNOUNCE = 'announce',
  RESTRICT = 'restrict',
}

/** A message's delivery state: -1 error, 0 pending, 1 server, 2 delivered, 3 read, 4 played. */
export enum MessageAck {
  ACK_ERROR = -1,
  ACK_PENDING = 0,
  ACK_SERVER = 1,
  ACK_DEVICE = 2,
  ACK_READ = 3,
  ACK_PLAYED = 4,
}

export enum MessageTypes {
  TEXT = 'chat',
  AUDIO = 'audio',
  VOICE = 'ptt',
  IMAGE = 'image',
  ALBUM = 'album',
  VIDEO = 'video',
  DOCUMENT = 'document',
  STICKER = 'sticker',
  LOCATION = 'location',
  CONTACT_CARD = 'vcard',
  CONTACT_CARD_MULTI = 'multi_vcard',
  REVOKED = 'revoked',
  ORDER = 'order',
  PRODUCT = 'product',
  PAYMENT = 'payment',
  UNKNOWN = 'unknown',
  GROUP_INVITE = 'groups_v4_invite',
  LIST = 'list',
  LIST_RESPONSE = 'list_response',
  BUTTONS_RESPONSE = 'buttons_response',
  BROADCAST_NOTIFICATION = 'broadcast_notification',
  CALL_LOG = 'call_log',
  CIPHERTEXT = 'ciphertext',
  DEBUG = 'debug',
  E2E_NOTIFICATION = 'e2e_notification',
  GP2 = 'gp2',
  GROUP_NOTIFICATION = 'group_notification',
  HSM = 'hsm',
  INTERACTIVE = 'interactive',
  NATIVE_FLOW = 'native_flow',
  NOTIFICATION = 'notification',
  NOTIFICATION_TEMPLATE = 'notification_template',
  OVERSIZED = 'oversized',
  PROTOCOL = 'protocol',
  REACTION = 'reaction',
  TEMPLATE_BUTTON_REPLY = 'template_button_reply',
  POLL_CREATION = 'poll_creation',
  SCHEDULED_EVENT_CREATION = 'scheduled_event_creation',
}

export enum ChatTypes {
  SOLO = 'solo',
  GROUP = 'group',
  UNKNOWN = 'unknown',
}
