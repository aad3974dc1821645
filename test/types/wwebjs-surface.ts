/**
 * Issue 26, point 1: waweb declares whatsapp-web.js 1.34.7's whole surface. Type-checked by
 * `npm run typecheck` (nothing here runs): a member missing from waweb, or declared with a type a
 * whatsapp-web.js caller cannot use, fails the build.
 *
 * - Each member table in src/client/compat/ lists exactly the members whatsapp-web.js declares on its
 *   class (no more, no fewer): the tables are what the runtime test and the migration guide read.
 * - Every member conforms to whatsapp-web.js's declaration, `differs` ones included (they differ in
 *   behaviour, or hold at run time what whatsapp-web.js's own code holds and its declaration leaves out):
 *   its type (a method's result) is assignable to whatsapp-web.js's, and whatever whatsapp-web.js's callers
 *   pass is assignable to its parameters. Member by member, model classes inside a member's type are
 *   compared by name (waweb's `Message` stands for whatsapp-web.js's `Message`), so a failure names the
 *   member at fault; section 6 then assigns each whole object and class, as a bot's code would.
 */
import type { EventEmitter } from 'node:events';
import type { Browser, Page } from 'puppeteer-core';
import type * as WW from 'whatsapp-web.js';
import type * as W from '../../src/index';
import type { CLIENT_INFO_MEMBERS, CLIENT_MEMBERS, EVENT_MEMBERS } from '../../src/client/compat/client-members';
import type * as M from '../../src/client/compat/model-members';

export type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
export type Expect<T extends true> = T;

/** waweb's model types as whatsapp-web.js's, by name (most specific class first). */
export type ToWW<T> =
  T extends Promise<infer U>
    ? Promise<ToWW<U>>
    : T extends Date | Page | Browser
      ? T
      : T extends W.GroupChat
        ? WW.GroupChat
        : T extends W.Chat
          ? WW.Chat
          : T extends W.Channel
            ? WW.Channel
            : T extends W.BusinessContact
              ? WW.BusinessContact
              : T extends W.Contact
                ? WW.Contact
                : T extends W.Message
                  ? WW.Message
                  : T extends W.GroupNotification
                    ? WW.GroupNotification
                    : T extends W.Reaction
                      ? WW.Reaction
                      : T extends W.PollVote
                        ? WW.PollVote
                        : T extends W.Label
                          ? WW.Label
                          : T extends W.Broadcast
                            ? WW.Broadcast
                            : T extends W.Call
                              ? WW.Call
                              : T extends W.ClientInfo
                                ? WW.ClientInfo
                                : T extends W.MessageMedia
                                  ? WW.MessageMedia
                                  : T extends W.Location
                                    ? WW.Location
                                    : T extends readonly unknown[]
                                      ? { -readonly [K in keyof T]: ToWW<T[K]> }
                                      : T extends (...args: infer A) => infer R
                                        ? (...args: A) => ToWW<R>
                                        : T extends object
                                          ? { [K in keyof T]: ToWW<T[K]> }
                                          : T;

/** The members of `Theirs` (in `Keys`) that `Ours` lacks or declares so they do not conform: `never` when none. */
export type Mismatches<Ours, Theirs, Keys extends PropertyKey> = {
  [K in Keys & keyof Theirs]: K extends keyof Ours ? ([ToWW<Ours[K]>] extends [Theirs[K]] ? never : K) : K;
}[Keys & keyof Theirs];

/** The members of `Theirs` that `Ours` lacks, `differs` ones included. */
type Missing<Ours, Theirs> = Exclude<keyof Theirs, keyof Ours>;

/** The keys of a class's static side, as the tables spell them. */
type Statics<C> = `static ${Exclude<keyof C, 'prototype'> & string}`;

type Own<T, Base> = Exclude<keyof T, keyof Base>;
type Keys<T> = keyof T;

// 1. Each table lists exactly what whatsapp-web.js declares.
export type TablesAreComplete = [
  Expect<Equal<Keys<typeof CLIENT_MEMBERS>, Own<WW.Client, EventEmitter>>>,
  Expect<Equal<Keys<typeof CLIENT_INFO_MEMBERS>, keyof WW.ClientInfo>>,
  Expect<Equal<Keys<typeof M.MESSAGE_MEMBERS>, keyof WW.Message>>,
  Expect<Equal<Keys<typeof M.CHAT_MEMBERS>, keyof WW.Chat>>,
  Expect<Equal<keyof WW.PrivateChat, keyof WW.Chat>>,
  Expect<Equal<Keys<typeof M.GROUP_CHAT_MEMBERS>, Own<WW.GroupChat, WW.Chat>>>,
  Expect<Equal<Keys<typeof M.CONTACT_MEMBERS>, keyof WW.Contact>>,
  Expect<Equal<keyof WW.PrivateContact, keyof WW.Contact>>,
  Expect<Equal<Keys<typeof M.BUSINESS_CONTACT_MEMBERS>, Own<WW.BusinessContact, WW.Contact>>>,
  Expect<Equal<Keys<typeof M.GROUP_NOTIFICATION_MEMBERS>, keyof WW.GroupNotification>>,
  Expect<Equal<Keys<typeof M.MESSAGE_MEDIA_MEMBERS>, keyof WW.MessageMedia | Statics<typeof WW.MessageMedia>>>,
  Expect<Equal<Keys<typeof M.LOCATION_MEMBERS>, keyof WW.Location>>,
  Expect<Equal<Keys<typeof M.REACTION_MEMBERS>, keyof WW.Reaction>>,
  Expect<Equal<Keys<typeof M.POLL_MEMBERS>, keyof WW.Poll>>,
  Expect<Equal<Keys<typeof M.POLL_VOTE_MEMBERS>, keyof WW.PollVote>>,
  Expect<Equal<Keys<typeof M.SCHEDULED_EVENT_MEMBERS>, keyof WW.ScheduledEvent>>,
  Expect<Equal<Keys<typeof M.LIST_MEMBERS>, keyof WW.List>>,
  Expect<Equal<Keys<typeof M.BUTTONS_MEMBERS>, keyof WW.Buttons>>,
  Expect<Equal<Keys<typeof M.LABEL_MEMBERS>, keyof WW.Label>>,
  Expect<Equal<Keys<typeof M.BROADCAST_MEMBERS>, keyof WW.Broadcast>>,
  Expect<Equal<Keys<typeof M.CALL_MEMBERS>, keyof WW.Call>>,
  Expect<Equal<Keys<typeof M.CHANNEL_MEMBERS>, keyof WW.Channel>>,
];

// 2. Every member is there, and every member conforms (a failing check's type names the members).
export type MembersExist = [
  Expect<Equal<Exclude<Own<WW.Client, EventEmitter>, keyof W.Client>, never>>,
  Expect<Equal<Missing<W.ClientInfo, WW.ClientInfo>, never>>,
  Expect<Equal<Missing<W.Message, WW.Message>, never>>,
  Expect<Equal<Missing<W.PrivateChat, WW.PrivateChat>, never>>,
  Expect<Equal<Missing<W.GroupChat, WW.GroupChat>, never>>,
  Expect<Equal<Missing<W.PrivateContact, WW.PrivateContact>, never>>,
  Expect<Equal<Missing<W.BusinessContact, WW.BusinessContact>, never>>,
  Expect<Equal<Missing<W.GroupNotification, WW.GroupNotification>, never>>,
  Expect<Equal<Missing<W.MessageMedia, WW.MessageMedia>, never>>,
  Expect<Equal<Missing<W.Location, WW.Location>, never>>,
  Expect<Equal<Missing<W.Reaction, WW.Reaction>, never>>,
  Expect<Equal<Missing<W.Poll, WW.Poll>, never>>,
  Expect<Equal<Missing<W.PollVote, WW.PollVote>, never>>,
  Expect<Equal<Missing<W.ScheduledEvent, WW.ScheduledEvent>, never>>,
  Expect<Equal<Missing<W.List, WW.List>, never>>,
  Expect<Equal<Missing<W.Buttons, WW.Buttons>, never>>,
  Expect<Equal<Missing<W.Label, WW.Label>, never>>,
  Expect<Equal<Missing<W.Broadcast, WW.Broadcast>, never>>,
  Expect<Equal<Missing<W.Call, WW.Call>, never>>,
  Expect<Equal<Missing<W.Channel, WW.Channel>, never>>,
];

export type MembersConform = [
  Expect<Equal<Mismatches<W.Client, WW.Client, Keys<typeof CLIENT_MEMBERS>>, never>>,
  Expect<Equal<Mismatches<W.ClientInfo, WW.ClientInfo, Keys<typeof CLIENT_INFO_MEMBERS>>, never>>,
  Expect<Equal<Mismatches<W.Message, WW.Message, Keys<typeof M.MESSAGE_MEMBERS>>, never>>,
  Expect<Equal<Mismatches<W.Chat, WW.Chat, Keys<typeof M.CHAT_MEMBERS>>, never>>,
  Expect<Equal<Mismatches<W.PrivateChat, WW.PrivateChat, Keys<typeof M.CHAT_MEMBERS>>, never>>,
  Expect<Equal<Mismatches<W.GroupChat, WW.GroupChat, Keys<typeof M.GROUP_CHAT_MEMBERS> | Keys<typeof M.CHAT_MEMBERS>>, never>>,
  Expect<Equal<Mismatches<W.Contact, WW.Contact, Keys<typeof M.CONTACT_MEMBERS>>, never>>,
  Expect<Equal<Mismatches<W.PrivateContact, WW.PrivateContact, Keys<typeof M.CONTACT_MEMBERS>>, never>>,
  Expect<
    Equal<
      Mismatches<W.BusinessContact, WW.BusinessContact, Keys<typeof M.BUSINESS_CONTACT_MEMBERS> | Keys<typeof M.CONTACT_MEMBERS>>,
      never
    >
  >,
  Expect<Equal<Mismatches<W.GroupNotification, WW.GroupNotification, Keys<typeof M.GROUP_NOTIFICATION_MEMBERS>>, never>>,
  Expect<Equal<Mismatches<W.MessageMedia, WW.MessageMedia, Keys<typeof M.MESSAGE_MEDIA_MEMBERS>>, never>>,
  Expect<Equal<Mismatches<W.Location, WW.Location, Keys<typeof M.LOCATION_MEMBERS>>, never>>,
  Expect<Equal<Mismatches<W.Reaction, WW.Reaction, Keys<typeof M.REACTION_MEMBERS>>, never>>,
  Expect<Equal<Mismatches<W.Poll, WW.Poll, Keys<typeof M.POLL_MEMBERS>>, never>>,
  Expect<Equal<Mismatches<W.PollVote, WW.PollVote, Keys<typeof M.POLL_VOTE_MEMBERS>>, never>>,
  Expect<Equal<Mismatches<W.ScheduledEvent, WW.ScheduledEvent, Keys<typeof M.SCHEDULED_EVENT_MEMBERS>>, never>>,
  Expect<Equal<Mismatches<W.List, WW.List, Keys<typeof M.LIST_MEMBERS>>, never>>,
  Expect<Equal<Mismatches<W.Buttons, WW.Buttons, Keys<typeof M.BUTTONS_MEMBERS>>, never>>,
  Expect<Equal<Mismatches<W.Label, WW.Label, Keys<typeof M.LABEL_MEMBERS>>, never>>,
  Expect<Equal<Mismatches<W.Broadcast, WW.Broadcast, Keys<typeof M.BROADCAST_MEMBERS>>, never>>,
  Expect<Equal<Mismatches<W.Call, WW.Call, Keys<typeof M.CALL_MEMBERS>>, never>>,
  Expect<Equal<Mismatches<W.Channel, WW.Channel, Keys<typeof M.CHANNEL_MEMBERS>>, never>>,
];

// 3. Statics and constructors: whatever whatsapp-web.js's callers pass, waweb's constructors take.
type Takes<Ours extends abstract new (...args: never[]) => unknown, Theirs extends abstract new (...args: never[]) => unknown> = [
  ConstructorParameters<Theirs>,
] extends [ConstructorParameters<Ours>]
  ? true
  : false;

/** whatsapp-web.js's option that waweb types as its own: its strategies (waweb/wwebjs has strategies for whatsapp-web.js's Client). */
type OwnOptions = 'authStrategy';

export type ConstructorsConform = [
  Expect<[Omit<WW.ClientOptions, OwnOptions>] extends [W.ClientOptions] ? true : false>,
  Expect<Takes<typeof W.MessageMedia, typeof WW.MessageMedia>>,
  Expect<Takes<typeof W.Location, typeof WW.Location>>,
  Expect<Takes<typeof W.Poll, typeof WW.Poll>>,
  Expect<Takes<typeof W.ScheduledEvent, typeof WW.ScheduledEvent>>,
  Expect<Takes<typeof W.List, typeof WW.List>>,
  Expect<Takes<typeof W.Buttons, typeof WW.Buttons>>,
  Expect<Equal<Mismatches<typeof W.MessageMedia, typeof WW.MessageMedia, 'fromFilePath' | 'fromUrl'>, never>>,
  // The most common media line of whatsapp-web.js bots: fromFilePath gives the media itself, not a promise.
  Expect<Equal<ReturnType<typeof W.MessageMedia.fromFilePath>, W.MessageMedia>>,
];

// 4. The module's own exports: every value whatsapp-web.js exports, under the same name, with a type
// its users can use (its auth strategies are waweb's own: waweb/wwebjs has strategies for its Client).
type OwnStrategies = 'AuthStrategy' | 'NoAuth' | 'LocalAuth' | 'RemoteAuth';
type Classes = 'Client' | 'Location' | 'Poll' | 'ScheduledEvent' | 'MessageMedia' | 'List' | 'Buttons' | 'Reaction';
/**
 * Checked apart in section 6: `Client` (its constructor takes waweb's strategies), and `Reaction`, which
 * whatsapp-web.js declares with no constructor arguments but does not export at run time.
 */
type ClassesApart = 'Client' | 'Reaction';
type WawebModule = typeof import('../../src/index');

export type ExportsConform = [
  Expect<[Exclude<keyof typeof WW, keyof WawebModule>] extends [never] ? true : false>,
  // Member by member (a failure names the export), classes aside: their constructors are checked whole below.
  Expect<Equal<Mismatches<WawebModule, typeof WW, Exclude<keyof typeof WW, OwnStrategies | Classes>>, never>>,
  // The whole namespace at once, as `import * as WAWebJS` sees it: classes, constants, DefaultOptions.
  Expect<[WawebModule] extends [Omit<typeof WW, OwnStrategies | ClassesApart>] ? true : false>,
  Expect<[typeof W.Events.MESSAGE_RECEIVED] extends [WW.Events.MESSAGE_RECEIVED] ? true : false>,
  Expect<[W.MessageTypes] extends [WW.MessageTypes] ? true : false>,
  Expect<[W.MessageAck] extends [WW.MessageAck] ? true : false>,
  Expect<[W.WAState] extends [WW.WAState] ? true : false>,
  Expect<[W.GroupNotificationTypes] extends [WW.GroupNotificationTypes] ? true : false>,
  Expect<[W.Status] extends [WW.Status] ? true : false>,
  Expect<[W.ChatTypes] extends [WW.ChatTypes] ? true : false>,
];

// 5. Events: every whatsapp-web.js event name is one of waweb's, and `client.on` takes a listener
// typed as whatsapp-web.js declares it (copied from its index.d.ts). Where waweb's typed payload
// takes that listener too, the name must not be marked `differs`; where it does not, it must be.
interface WwebjsListeners {
  authenticated: () => void;
  auth_failure: (message: string) => void;
  ready: () => void;
  chat_removed: (chat: WW.Chat) => void;
  chat_archived: (chat: WW.Chat, currState: boolean, prevState: boolean) => void;
  message: (message: WW.Message) => void;
  message_ciphertext: (message: WW.Message) => void;
  message_ciphertext_failed: (message: WW.Message) => void;
  message_create: (message: WW.Message) => void;
  message_revoke_everyone: (message: WW.Message, revoked_msg?: WW.Message | null) => void;
  message_revoke_me: (message: WW.Message) => void;
  message_ack: (message: WW.Message, ack: WW.MessageAck) => void;
  message_edit: (message: WW.Message, newBody: string, prevBody: string) => void;
  unread_count: (chat: WW.Chat) => void;
  message_reaction: (reaction: WW.Reaction) => void;
  media_uploaded: (message: WW.Message) => void;
  contact_changed: (message: WW.Message, oldId: string, newId: string, isContact: boolean) => void;
  group_join: (notification: WW.GroupNotification) => void;
  group_leave: (notification: WW.GroupNotification) => void;
  group_admin_changed: (notification: WW.GroupNotification) => void;
  group_membership_request: (notification: WW.GroupNotification) => void;
  group_update: (notification: WW.GroupNotification) => void;
  qr: (qr: string) => void;
  code: (code: string) => void;
  loading_screen: (percent: string, message: string) => void;
  call: (call: WW.Call) => void;
  disconnected: (reason: WW.WAState | 'LOGOUT') => void;
  change_state: (state: WW.WAState) => void;
  change_battery: (batteryInfo: WW.BatteryInfo) => void;
  remote_session_saved: () => void;
  vote_update: (vote: WW.PollVote) => void;
}

type EventName = `${WW.Events}`;
type Payload<K extends keyof W.ClientEvents> = ToWW<W.ClientEvents[K]>;
/** The events whose whatsapp-web.js-typed listener waweb's typed payload does not take. */
type Loose = { [K in EventName]: [WwebjsListeners[K]] extends [(...args: Payload<K>) => void] ? never : K }[EventName];
type DiffersEvents = {
  [K in keyof typeof EVENT_MEMBERS]: (typeof EVENT_MEMBERS)[K] extends { status: 'differs' } ? K : never;
}[keyof typeof EVENT_MEMBERS];

export type EventsConform = [
  Expect<Equal<keyof WwebjsListeners, EventName>>,
  Expect<Equal<keyof typeof EVENT_MEMBERS, EventName>>,
  Expect<[EventName] extends [keyof W.ClientEvents] ? true : false>,
  Expect<[Loose] extends [DiffersEvents] ? true : false>,
  // Every way to add or remove a listener is typed as `on` is (whose calls below take every name).
  Expect<Equal<W.Client['once'], W.Client['on']>>,
  Expect<Equal<W.Client['off'], W.Client['on']>>,
  Expect<Equal<W.Client['addListener'], W.Client['on']>>,
  Expect<Equal<W.Client['prependListener'], W.Client['on']>>,
  Expect<Equal<W.Client['prependOnceListener'], W.Client['on']>>,
  Expect<Equal<W.Client['removeListener'], W.Client['on']>>,
];

/** Each call compiles: a bot's listeners, typed as whatsapp-web.js types them, are taken as they are. */
export function listenersCompile(client: W.Client, l: WwebjsListeners): void {
  client
    .on('authenticated', l.authenticated)
    .on('auth_failure', l.auth_failure)
    .on('ready', l.ready)
    .on('chat_removed', l.chat_removed)
    .on('chat_archived', l.chat_archived)
    .on('message', l.message)
    .on('message_ciphertext', l.message_ciphertext)
    .on('message_ciphertext_failed', l.message_ciphertext_failed)
    .on('message_create', l.message_create)
    .on('message_revoke_everyone', l.message_revoke_everyone)
    .on('message_revoke_me', l.message_revoke_me)
    .on('message_ack', l.message_ack)
    .on('message_edit', l.message_edit)
    .on('unread_count', l.unread_count)
    .on('message_reaction', l.message_reaction)
    .on('media_uploaded', l.media_uploaded)
    .on('contact_changed', l.contact_changed)
    .on('group_join', l.group_join)
    .on('group_leave', l.group_leave)
    .on('group_admin_changed', l.group_admin_changed)
    .on('group_membership_request', l.group_membership_request)
    .on('group_update', l.group_update)
    .on('qr', l.qr)
    .on('code', l.code)
    .on('loading_screen', l.loading_screen)
    .on('call', l.call)
    .on('disconnected', l.disconnected)
    .on('change_state', l.change_state)
    .on('change_battery', l.change_battery)
    .on('remote_session_saved', l.remote_session_saved)
    .on('vote_update', l.vote_update)
    .once('message', l.message)
    .off('auth_failure', l.auth_failure)
    .addListener('disconnected', l.disconnected)
    .prependListener('loading_screen', l.loading_screen);
  // Unknown names are still refused, and so is a listener that neither declaration types that way.
  // @ts-expect-error -- a typo is not an event
  client.on('mesage', () => undefined);
  // @ts-expect-error -- `qr` passes a string, in waweb as in whatsapp-web.js
  client.on('qr', (qr: number) => qr);
  // @ts-expect-error -- `change_state` passes a state, never a message
  client.once('change_state', (message: WW.Message) => message);
  // waweb's own listeners keep its payload types: an unannotated listener gets waweb's richer payload.
  client.on('message', (message) => {
    const body: string = message.body;
    return body;
  });
  client.on('auth_failure', (failure) => {
    const reason: W.AuthFailureReason = failure.reason;
    return reason;
  });
  client.on('loading_screen', (percent) => {
    const shown: number = percent;
    return shown;
  });
  void client.waitFor('disconnected').then(([reason]) => {
    const why: W.DisconnectReason = reason;
    return why;
  });
}

// 6. Whole objects and classes, as a bot's code uses them: each waweb object is whatsapp-web.js's
// object, and each class whatsapp-web.js exports is its class (statics and constructor). (TypeScript
// compares methods' parameters both ways here, so the listeners `on` takes are checked by section 5's calls.)
export function wholeObjectsAssign(o: {
  client: W.Client;
  message: W.Message;
  chat: W.Chat;
  privateChat: W.PrivateChat;
  groupChat: W.GroupChat;
  contact: W.Contact;
  privateContact: W.PrivateContact;
  businessContact: W.BusinessContact;
  media: W.MessageMedia;
  location: W.Location;
  poll: W.Poll;
  pollVote: W.PollVote;
  reaction: W.Reaction;
  notification: W.GroupNotification;
  label: W.Label;
  channel: W.Channel;
  call: W.Call;
  broadcast: W.Broadcast;
  buttons: W.Buttons;
  list: W.List;
  event: W.ScheduledEvent;
  info: W.ClientInfo;
}): void {
  const client: WW.Client = o.client;
  const message: WW.Message = o.message;
  const chat: WW.Chat = o.chat;
  const privateChat: WW.PrivateChat = o.privateChat;
  const groupChat: WW.GroupChat = o.groupChat;
  const contact: WW.Contact = o.contact;
  const privateContact: WW.PrivateContact = o.privateContact;
  const businessContact: WW.BusinessContact = o.businessContact;
  const media: WW.MessageMedia = o.media;
  const location: WW.Location = o.location;
  const poll: WW.Poll = o.poll;
  const pollVote: WW.PollVote = o.pollVote;
  const reaction: WW.Reaction = o.reaction;
  const notification: WW.GroupNotification = o.notification;
  const label: WW.Label = o.label;
  const channel: WW.Channel = o.channel;
  const call: WW.Call = o.call;
  const broadcast: WW.Broadcast = o.broadcast;
  const buttons: WW.Buttons = o.buttons;
  const list: WW.List = o.list;
  const event: WW.ScheduledEvent = o.event;
  const info: WW.ClientInfo = o.info;
  void [client, message, chat, privateChat, groupChat, contact, privateContact, businessContact, media, location, poll];
  void [pollVote, reaction, notification, label, channel, call, broadcast, buttons, list, event, info];
}

/** whatsapp-web.js's `ClientOptions` as a bot passes them after the import change: with waweb's strategies. */
type BotClientOptions = Omit<WW.ClientOptions, OwnOptions> & { authStrategy?: W.AuthStrategy };

export function wholeClassesAssign(w: WawebModule): void {
  const client: (new (options: BotClientOptions) => WW.Client) & Omit<typeof WW.Client, 'prototype'> = w.Client;
  const media: typeof WW.MessageMedia = w.MessageMedia;
  const location: typeof WW.Location = w.Location;
  const poll: typeof WW.Poll = w.Poll;
  const event: typeof WW.ScheduledEvent = w.ScheduledEvent;
  const list: typeof WW.List = w.List;
  const buttons: typeof WW.Buttons = w.Buttons;
  // whatsapp-web.js declares `new Reaction()` but exports no Reaction at run time: its statics, not its constructor.
  const reaction: Omit<typeof WW.Reaction, 'prototype'> = w.Reaction;
  void [client, media, location, poll, event, list, buttons, reaction];
}
