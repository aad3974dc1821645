/**
 * waweb's page-side script, installed with evaluateOnNewDocument on every
 * document of https://web.whatsapp.com. It waits for the app to boot, then
 * listens to the app's own models (the surface in docs/page-contract.md)
 * and reports through one binding. It defines only `__waweb`.
 */
import { BRIDGE_BINDING, PAGE_API, type PageApi, type PageEvent, type PageInfo, type PageOptions } from '../bridge';
import { keyString, numberChange, RecentMessages, req as appRequire, toPageMessage, widString, type AppMsg } from './messages';
import {
  edit,
  getMessage,
  messageInfo,
  pin,
  pinnedMessages,
  quotedMessage,
  react,
  reactions,
  remove,
  search,
  star,
  watchReactions,
} from './actions';
import { chatState, fetchMessages, getChat, getChats, getContact, getContacts, numberId, sendSeen } from './chats';
import { downloadMedia, forward, sendContent, sendMedia } from './send';
import { sendSticker } from './sticker';
import { checkContract, loadModule, MANIFEST, REGISTRATION } from './contract';
import { addParticipants, createGroup, leaveGroup, modifyParticipants, setGroupInfo, setGroupProperty } from './groups';
import {
  acceptInvite,
  acceptV4Invite,
  inviteCode,
  inviteInfo,
  membershipRequestAction,
  membershipRequests,
  pendingRequesters,
  revokeInvite,
  sendGroupInvite,
} from './group-invites';
import { commonGroups, countryCode, deleteContact, deviceCount, formattedNumber, saveContact } from './contact-tools';
import { lidAndPhone, lidAndPn } from './lid';
import { changeLabels, chatLabels, customerNote, label, labelChats, labels, setCustomerNote } from './business';
import { order, payment, productMetadata } from './orders';
import {
  blockedIds,
  deletePicture,
  getAbout,
  nameDevice,
  presence,
  profilePicUrl,
  reconnect,
  setAutoDownload,
  setBackgroundSync,
  setBlocked,
  setDisplayName,
  setPicture,
  setStatus,
} from './profile';
import { chatAction, syncHistory, watchChats } from './chat-actions';
import { closeRightDrawer, features, featureStatus, openChatPane, openMessagePane, setFeatures } from './interface';
import { editEvent, pollVotes, respondToEvent, vote, watchVotes } from './polls';
import { postStatus, postStatusMedia, revokeStatus, status, statuses } from './status';
import { channelApi } from './channels';
import { battery, cancelPairingCode, createCallLink, rejectCall, watchBattery, watchCalls } from './phone';

/** Set around the bundle by `WebPage.attach` (docs/client.md: deviceName, browserName). */
declare const WAWEB_PAGE_OPTIONS: PageOptions | undefined;
const options: PageOptions = typeof WAWEB_PAGE_OPTIONS === 'undefined' ? {} : WAWEB_PAGE_OPTIONS;
type Handler = (...args: any[]) => void;
/** How long a placeholder may stay undecrypted before it is reported failed (whatsapp-web.js's 15 s). */
const CIPHERTEXT_FAIL_MS = 15_000;
interface Emitter {
  on(event: string, fn: Handler): void;
}
interface SocketModel extends Emitter {
  state: string;
  hasSynced: boolean;
  logout(): Promise<void> | void;
  takeover(): void;
}
interface ConnModel extends Emitter {
  ref?: string;
  serialize(): Record<string, unknown>;
}
const w = window as unknown as Record<string, any>;

function emit(event: PageEvent): void {
  const binding = w[BRIDGE_BINDING] as ((json: string) => Promise<unknown>) | undefined;
  if (typeof binding === 'function') binding(JSON.stringify(event)).catch(() => undefined);
}

function hadStoredSession(): boolean {
  try {
    // A multi-device session's marker (unverified: docs/page-contract.md), or a legacy session's token.
    return localStorage.getItem('last-wid-md') !== null || localStorage.getItem('WAToken1') !== null;
  } catch {
    return false;
  }
}

/** Which group event a `gp2` subtype is, as whatsapp-web.js users know them. */
function groupKind(subtype: string | undefined): 'join' | 'leave' | 'admin' | 'update' | 'request' {
  if (subtype === 'add' || subtype === 'invite' || subtype === 'linked_group_join') return 'join';
  if (subtype === 'remove' || subtype === 'leave') return 'leave';
  if (subtype === 'promote' || subtype === 'demote') return 'admin';
  if (subtype === 'membership_approval_request') return 'request';
  return 'update';
}

/** A new message as clients see it: group notifications are group events, the rest messages. */
function reportNew(msg: AppMsg): void {
  if (msg.type !== 'gp2') {
    emit({ type: 'message', message: toPageMessage(msg) });
    return;
  }
  const data = typeof msg.serialize === 'function' ? msg.serialize() : {};
  const recipients = Array.isArray(data['recipients']) ? (data['recipients'] as unknown[]) : [];
  // Both ids where the app maps them: the author's and each recipient's.
  const { lid: authorLid, pn: authorPn } = lidAndPn(appRequire, msg.author);
  const both = recipients.map((wid) => ({ id: widString(wid), ...lidAndPn(appRequire, wid) })).filter((r) => r.id !== '');
  emit({
    type: 'group',
    kind: groupKind(msg.subtype),
    notification: {
      id: keyString(msg.id),
      chatId: widString(msg.id.remote),
      author: widString(msg.author),
      type: msg.subtype ?? '',
      recipientIds: recipients.map(widString).filter(Boolean),
      timestamp: msg.t ?? 0,
      body: msg.body ?? '',
      ...(authorLid === undefined ? {} : { authorLid }),
      ...(authorPn === undefined ? {} : { authorPn }),
      recipientLidAndPn: both,
    },
  });
}

function start(hadSession: boolean): void {
  const req = w['require'] as (name: string) => any;
  const version = String(w['Debug'].VERSION);
  // Checked before anything is hooked: a build without a login member is reported and left alone.
  const missing = checkContract(req);
  if (missing.some((m) => m.feature === 'login')) {
    emit({ type: 'booted', version, state: 'UNLAUNCHED', hasSynced: false, hadSession, missing, checked: MANIFEST.length });
    return;
  }
  const withMessages = !missing.some((m) => m.feature === 'messages');
  // Before the QR: the app reads its browser info when the device is linked.
  if (!missing.some((m) => m.feature === 'profile'))
    nameDevice(req, options).catch((err: unknown) => emit({ type: 'error', message: `could not name the device: ${String(err)}` }));
  // What new messages looked like, for `message_revoke_everyone`'s second argument.
  const seen = new RecentMessages();
  const Socket = req('WAWebSocketModel').Socket as SocketModel;
  const Conn = req('WAWebConnModel').Conn as ConnModel;
  const Cmd = req('WAWebCmd').Cmd as Emitter & { refreshQR(): void };
  const Offline = req('WAWebOfflineHandler').OfflineMessageHandler as { getOfflineDeliveryProgress(): number };
  const Msg = withMessages ? (req('WAWebCollections').Msg as Emitter & { getModelsArray?(): AppMsg[] }) : undefined;

  const qrFor = async (ref: string): Promise<string> => {
    // As whatsapp-web.js reads them: the registration helpers as one view of their modules.
    const registration = loadModule(req, REGISTRATION);
    const b64 = req('WABase64');
    const noise = await registration.waNoiseInfo.get();
    const reg = await registration.waSignalStore.getRegistrationInfo();
    return [
      ref,
      b64.encodeB64(noise.staticKeyPair.pubKey),
      b64.encodeB64(reg.identityKeyPair.pubKey),
      req('WAWebUserPrefsMultiDevice').getADVSecretKey(),
      registration.DEVICE_PLATFORM,
    ].join(',');
  };
  const onRef = (ref: string | undefined): void => {
    if (!ref || Socket.state === 'CONNECTED') return;
    qrFor(ref).then(
      (qr) => emit({ type: 'qr', qr }),
      (err: unknown) => emit({ type: 'error', message: `could not build the QR text: ${String(err)}` }),
    );
  };

  const api: PageApi = {
    state: () => Socket.state ?? null,
    info: () => {
      // As whatsapp-web.js builds `info`: Conn's serialize() and the own wid, the PN one or else the LID one.
      const me = req('WAWebUserPrefsMeUser');
      const wid = (me.getMaybeMePnUser() ?? me.getMaybeMeLidUser() ?? null) as PageInfo['wid'];
      const serialized = Conn.serialize();
      return {
        wid: wid ? { server: wid.server, user: wid.user, _serialized: widString(wid) } : null,
        pushname: typeof serialized['pushname'] === 'string' ? serialized['pushname'] : null,
        platform: typeof serialized['platform'] === 'string' ? serialized['platform'] : null,
      };
    },
    send: async (chatId, content, options) => sendContent(req, chatId, content, options),
    forward: async (messageId, chatId) => forward(req, messageId, chatId),
    pairingCode: async (phone, notify) => {
      const linking = req('WAWebAltDeviceLinkingApi');
      linking.setPairingType('ALT_DEVICE_LINKING');
      await linking.initializeAltDeviceLinking();
      return String(await linking.startAltLinkingFlow(phone, notify));
    },
    sendMedia: async (chatId, media, options) => sendMedia(req, chatId, media, options),
    downloadMedia: async (messageId) => downloadMedia(req, messageId),
    sendSticker: async (chatId, media, pack, options) => sendSticker(req, chatId, media, pack, options),
    getChats: async () => getChats(req),
    getChat: async (chatId) => getChat(req, chatId),
    getContacts: async () => getContacts(req),
    getContact: async (contactId) => getContact(req, contactId),
    numberId: async (number) => numberId(req, number),
    lidAndPhone: async (userIds) => lidAndPhone(req, userIds),
    sendSeen: async (chatId) => sendSeen(req, chatId),
    chatState: async (chatId, state) => chatState(req, chatId, state),
    fetchMessages: async (chatId, limit, fromMe) => fetchMessages(req, chatId, limit, fromMe),
    chatAction: async (chatId, action) => chatAction(req, chatId, action),
    syncHistory: async (chatId) => syncHistory(req, chatId),
    react: async (messageId, reaction) => react(req, messageId, reaction),
    vote: async (messageId, names) => vote(req, messageId, names),
    pollVotes: async (messageId) => pollVotes(req, messageId),
    respondToEvent: async (messageId, response) => respondToEvent(req, messageId, response),
    editEvent: async (messageId, event) => editEvent(req, messageId, event),
    postStatus: async (text, style) => postStatus(req, text, style),
    postStatusMedia: async (media, caption) => postStatusMedia(req, media, caption),
    revokeStatus: async (messageId) => revokeStatus(req, messageId),
    statuses: async () => statuses(req),
    status: async (userId) => status(req, userId),
    edit: async (messageId, body) => edit(req, messageId, body),
    remove: async (messageId, everyone) => remove(req, messageId, everyone),
    quotedMessage: async (messageId) => quotedMessage(req, messageId),
    logout: async () => {
      await Socket.logout();
    },
    takeover: () => Socket.takeover(),
    refreshQr: () => Cmd.refreshQR(),
    localStorageEntries: () => Object.entries(localStorage),
    setLocalStorageItem: (key, value) => localStorage.setItem(key, value),
    setStatus: async (text) => setStatus(req, text),
    setDisplayName: async (name) => setDisplayName(req, name),
    presence: async (available) => presence(req, available),
    getAbout: async (contactId) => getAbout(req, contactId),
    setBlocked: async (contactId, blocked) => setBlocked(req, contactId, blocked),
    blockedIds: async () => blockedIds(req),
    commonGroups: async (contactId) => commonGroups(req, contactId),
    deviceCount: async (userId) => deviceCount(req, userId),
    saveContact: async (phoneNumber, firstName, lastName, sync) => saveContact(req, phoneNumber, firstName, lastName, sync),
    deleteContact: async (phoneNumber) => deleteContact(req, phoneNumber),
    formattedNumber: async (jid) => formattedNumber(req, jid),
    countryCode: async (digits) => countryCode(req, digits),
    labels: async () => labels(req),
    label: async (labelId) => label(req, labelId),
    chatLabels: async (chatId) => chatLabels(req, chatId),
    labelChats: async (labelId) => labelChats(req, labelId),
    changeLabels: async (labelIds, chatIds) => changeLabels(req, labelIds, chatIds),
    setCustomerNote: async (userId, note) => setCustomerNote(req, userId, note),
    customerNote: async (userId) => customerNote(req, userId),
    order: async (orderId, token, chatId) => order(req, orderId, token, chatId),
    payment: async (messageId) => payment(req, messageId),
    productMetadata: async (productId) => productMetadata(req, productId),
    profilePicUrl: async (chatId) => profilePicUrl(req, chatId),
    setPicture: async (chatId, media) => setPicture(req, chatId, media),
    deletePicture: async (chatId) => deletePicture(req, chatId),
    starMessage: async (messageId, starred) => star(req, messageId, starred),
    pinMessage: async (messageId, pinned, duration) => pin(req, messageId, pinned, duration),
    messageInfo: async (messageId) => messageInfo(req, messageId),
    searchMessages: async (query, page, count, chatId) => search(req, query, page, count, chatId),
    getMessage: async (messageId) => getMessage(req, messageId),
    pinnedMessages: async (chatId) => pinnedMessages(req, chatId),
    reactions: async (messageId) => reactions(req, messageId),
    setAutoDownload: async (kind, flag) => setAutoDownload(req, kind, flag),
    setBackgroundSync: async (flag) => setBackgroundSync(req, flag),
    reconnect: async () => reconnect(req),
    openChatPane: async (pane, chatId) => openChatPane(req, pane, chatId),
    openMessagePane: async (pane, messageId) => openMessagePane(req, pane, messageId),
    closeRightDrawer: async () => closeRightDrawer(req),
    features: async () => features(req),
    featureStatus: async (feature) => featureStatus(req, feature),
    setFeatures: async (names, on) => setFeatures(req, names, on),
    createGroup: async (title, participantIds, options) => createGroup(req, title, participantIds, options),
    addParticipants: async (groupId, participantIds, checked) => addParticipants(req, groupId, participantIds, checked === true),
    modifyParticipants: async (groupId, action, participantIds) => modifyParticipants(req, groupId, action, participantIds),
    setGroupInfo: async (groupId, field, value) => setGroupInfo(req, groupId, field, value),
    setGroupProperty: async (groupId, property, adminsOnly) => setGroupProperty(req, groupId, property, adminsOnly),
    leaveGroup: async (groupId) => leaveGroup(req, groupId),
    groupInviteCode: async (groupId) => inviteCode(req, groupId),
    revokeGroupInvite: async (groupId) => revokeInvite(req, groupId),
    groupInviteInfo: async (code) => inviteInfo(req, code),
    acceptGroupInvite: async (code) => acceptInvite(req, code),
    acceptGroupV4Invite: async (invite) => acceptV4Invite(req, invite),
    membershipRequests: async (groupId) => membershipRequests(req, groupId),
    pendingRequesters: async (groupId) => pendingRequesters(req, groupId),
    membershipRequestAction: async (groupId, approve, requesterId) => membershipRequestAction(req, groupId, approve, requesterId),
    sendGroupInvite: async (userId, groupId, invite, comment) => sendGroupInvite(req, userId, groupId, invite, comment),
    rejectCall: async (peerJid, callId) => rejectCall(req, peerJid, callId),
    createCallLink: async (startTime, callType) => createCallLink(req, startTime, callType),
    battery: () => battery(Conn as unknown as Record<string, unknown>),
    cancelPairingCode: async () => cancelPairingCode(req),
    ...channelApi(req),
  };
  Object.defineProperty(w, PAGE_API, { value: api, configurable: true });

  Socket.on('change:state', (_m: unknown, state: string) => emit({ type: 'state', state }));
  Socket.on('change:hasSynced', (_m: unknown, synced: boolean) => {
    if (synced) emit({ type: 'synced' });
  });
  Conn.on('change:ref', (_m: unknown, ref: string) => onRef(ref));
  watchBattery(Conn, emit);
  Cmd.on('offline_progress_update_from_bridge', () => emit({ type: 'loading', percent: Offline.getOfflineDeliveryProgress() }));
  Cmd.on('logout', () => emit({ type: 'logout', source: 'logout' }));
  Cmd.on('logout_from_bridge', () => emit({ type: 'logout', source: 'logout_from_bridge' }));
  // whatsapp-web.js's filtering: only new messages count (history is not); an undecryptable
  // placeholder counts once it has decrypted (its first change:type), unless it was revoked.
  const onAdd = (msg: AppMsg): void => {
    if (!msg.isNewMsg) return;
    seen.keep(msg);
    if (msg.type !== 'ciphertext') {
      reportNew(msg);
      return;
    }
    emit({ type: 'ciphertext', message: toPageMessage(msg) });
    // As whatsapp-web.js: still a placeholder 15 s on is a failure (not for one the app says no device could send).
    const failed = String(msg.subtype ?? '').endsWith('_unavailable_fanout')
      ? undefined
      : setTimeout(() => {
          if (msg.type === 'ciphertext') emit({ type: 'ciphertextFailed', message: toPageMessage(msg) });
        }, CIPHERTEXT_FAIL_MS);
    msg.once('change:type', (decrypted: AppMsg) => {
      clearTimeout(failed);
      if (decrypted.type !== 'revoked') reportNew(decrypted);
    });
  };
  Msg?.on('add', onAdd);
  Msg?.on('change:ack', (msg: AppMsg, ack: number) => emit({ type: 'ack', message: toPageMessage(msg), ack }));
  Msg?.on('change:isUnsentMedia', (msg: AppMsg, unsent: unknown) => {
    if (msg.id.fromMe && !unsent) emit({ type: 'mediaUploaded', message: toPageMessage(msg) });
  });
  Msg?.on('change:type', (msg: AppMsg) => {
    if (msg.type !== 'revoked') return;
    const before = seen.forget(keyString(msg.id));
    emit({ type: 'revoked', message: toPageMessage(msg), ...(before ? { before } : {}) });
  });
  // Deleted on this device only (`message_revoke_me`): new messages, as whatsapp-web.js reports them.
  Msg?.on('remove', (msg: AppMsg) => {
    if (msg.isNewMsg) emit({ type: 'removed', message: toPageMessage(msg) });
  });
  // Number changes, which whatsapp-web.js hears on any change of the notification.
  Msg?.on('change', (msg: AppMsg) => {
    const change = numberChange(msg);
    if (change) emit({ type: 'contactChanged', message: toPageMessage(msg), ...change });
  });
  // A text's body or a media message's caption, as whatsapp-web.js hears edits.
  Msg?.on('change:body change:caption', (msg: AppMsg, body: unknown, previous: unknown) => {
    seen.keep(msg);
    if (typeof body === 'string' && typeof previous === 'string') emit({ type: 'edited', message: toPageMessage(msg), body, previous });
  });

  if (withMessages && !missing.some((m) => m.feature === 'reactions')) watchReactions(req, emit);
  if (withMessages && !missing.some((m) => m.feature === 'polls')) watchVotes(req, emit);
  if (withMessages && !missing.some((m) => m.feature === 'chats' || m.feature === 'chat-actions')) watchChats(req, emit);
  if (!missing.some((m) => m.feature === 'calls')) watchCalls(req, emit);

  emit({
    type: 'booted',
    version,
    state: Socket.state,
    hasSynced: Socket.hasSynced === true,
    hadSession,
    missing,
    checked: MANIFEST.length,
  });
  // New messages this document received before the adapter hooked in (after a reload, the ones sent
  // meanwhile can arrive that soon): reported now, once. What the app loaded from storage is not new.
  for (const msg of Msg?.getModelsArray?.() ?? []) onAdd(msg);
  if (Socket.hasSynced === true) emit({ type: 'synced' });
  else onRef(Conn.ref);
}

function waitForApp(hadSession: boolean): void {
  // The app announces nothing when it boots; Debug.VERSION and require appear together.
  if (w['Debug']?.VERSION !== undefined && typeof w['require'] === 'function') {
    try {
      start(hadSession);
    } catch (err) {
      emit({ type: 'startFailed', message: `page adapter failed to start: ${String(err)}` });
    }
    return;
  }
  setTimeout(() => waitForApp(hadSession), 25);
}

if (location.hostname === 'web.whatsapp.com' && window.top === window) {
  // Read before the app runs: a stored session that is then rejected is an auth failure.
  waitForApp(hadStoredSession());
}
