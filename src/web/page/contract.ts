/**
 * The page contract as data: every module and member the adapter uses, the kind it must have, and
 * the feature that needs it. The same list is the "Manifest" table of docs/page-contract.md (a test
 * compares the two and scans the adapter's code against it). Checked once per boot, before the
 * adapter hooks in: a `login` member missing stops the start; any other disables its feature.
 */
import type { PageContractMiss, PageFeature } from '../bridge';

/** The app's module loader (as in ./messages; not imported, so Node-side tests can read this list). */
type Req = (name: string) => any;
type Kind = PageContractMiss['expected'];
export type ContractEntry = readonly [module: string, member: string, kind: Kind, feature: PageFeature];

/**
 * The registration helpers, as whatsapp-web.js reads them (its `AuthStore.RegistrationUtils`): one view
 * of four modules, a later one's member winning. Which of them holds `DEVICE_PLATFORM`, `waNoiseInfo` or
 * `waSignalStore` is not known from outside the app, so none is assumed.
 */
export const REGISTRATION = 'WAWebCompanionRegClientUtils+WAWebAdvSignatureApi+WAWebUserPrefsInfoStore+WAWebSignalStoreApi';

export const MANIFEST: readonly ContractEntry[] = [
  ['WAWebSocketModel', 'Socket', 'object', 'login'],
  ['WAWebSocketModel', 'Socket.on', 'function', 'login'],
  ['WAWebSocketModel', 'Socket.logout', 'function', 'login'],
  ['WAWebSocketModel', 'Socket.takeover', 'function', 'login'],
  ['WAWebConnModel', 'Conn', 'object', 'login'],
  ['WAWebConnModel', 'Conn.on', 'function', 'login'],
  ['WAWebConnModel', 'Conn.serialize', 'function', 'login'],
  ['WAWebCmd', 'Cmd', 'object', 'login'],
  ['WAWebCmd', 'Cmd.on', 'function', 'login'],
  ['WAWebCmd', 'Cmd.refreshQR', 'function', 'login'],
  ['WAWebOfflineHandler', 'OfflineMessageHandler.getOfflineDeliveryProgress', 'function', 'login'],
  [REGISTRATION, 'waNoiseInfo.get', 'function', 'login'],
  [REGISTRATION, 'waSignalStore.getRegistrationInfo', 'function', 'login'],
  ['WABase64', 'encodeB64', 'function', 'login'],
  ['WAWebUserPrefsMultiDevice', 'getADVSecretKey', 'function', 'login'],
  [REGISTRATION, 'DEVICE_PLATFORM', 'value', 'login'],
  ['WAWebUserPrefsMeUser', 'getMaybeMePnUser', 'function', 'login'],
  ['WAWebUserPrefsMeUser', 'getMaybeMeLidUser', 'function', 'login'],
  ['WAWebCollections', 'Msg', 'object', 'messages'],
  ['WAWebCollections', 'Msg.on', 'function', 'messages'],
  ['WAWebCollections', 'Msg.get', 'function', 'messages'],
  ['WAWebWidFactory', 'createWid', 'function', 'messages'],
  ['WAWebQuotedMsgModelUtils', 'getQuotedMsgObj', 'function', 'messages'],
  ['WAWebCollections', 'Chat', 'object', 'chats'],
  ['WAWebCollections', 'Chat.get', 'function', 'chats'],
  ['WAWebCollections', 'Chat.getModelsArray', 'function', 'chats'],
  ['WAWebFindChatAction', 'findOrCreateLatestChat', 'function', 'chats'],
  ['WAWebStreamModel', 'Stream', 'object', 'chats'],
  ['WAWebStreamModel', 'Stream.markAvailable', 'function', 'chats'],
  ['WAWebStreamModel', 'Stream.markUnavailable', 'function', 'chats'],
  ['WAWebUpdateUnreadChatAction', 'sendSeen', 'function', 'chats'],
  ['WAWebChatStateBridge', 'sendChatStateComposing', 'function', 'chats'],
  ['WAWebChatStateBridge', 'sendChatStateRecording', 'function', 'chats'],
  ['WAWebChatStateBridge', 'sendChatStatePaused', 'function', 'chats'],
  ['WAWebChatLoadMessages', 'loadEarlierMsgs', 'function', 'chats'],
  ['WAWebCollections', 'Chat.on', 'function', 'chat-actions'],
  ['WAWebCmd', 'Cmd.archiveChat', 'function', 'chat-actions'],
  ['WAWebCmd', 'Cmd.pinChat', 'function', 'chat-actions'],
  ['WAWebCmd', 'Cmd.markChatUnread', 'function', 'chat-actions'],
  ['WAWebChatClearBridge', 'sendClear', 'function', 'chat-actions'],
  ['WAWebDeleteChatAction', 'sendDelete', 'function', 'chat-actions'],
  ['WAWebSendNonMessageDataRequest', 'sendPeerDataOperationRequest', 'function', 'chat-actions'],
  ['WAWebCollections', 'Contact', 'object', 'contacts'],
  ['WAWebCollections', 'Contact.find', 'function', 'contacts'],
  ['WAWebCollections', 'Contact.getModelsArray', 'function', 'contacts'],
  ['WAWebContactGetters', 'getUserid', 'function', 'contacts'],
  ['WAWebContactGetters', 'getName', 'function', 'contacts'],
  ['WAWebContactGetters', 'getPushname', 'function', 'contacts'],
  ['WAWebContactGetters', 'getShortName', 'function', 'contacts'],
  ['WAWebContactGetters', 'getIsMe', 'function', 'contacts'],
  ['WAWebContactGetters', 'getIsUser', 'function', 'contacts'],
  ['WAWebContactGetters', 'getIsGroup', 'function', 'contacts'],
  ['WAWebFrontendContactGetters', 'getIsMyContact', 'function', 'contacts'],
  ['WAWebQueryExistsJob', 'queryWidExists', 'function', 'contacts'],
  ['WAWebWidFactory', 'asUserWidOrThrow', 'function', 'sending'],
  ['WAWebMsgKey', 'newId', 'function', 'sending'],
  ['WAWebMsgReply', 'canReplyMsg', 'function', 'sending'],
  ['WAWebGetEphemeralFieldsMsgActionsUtils', 'getEphemeralFields', 'function', 'sending'],
  ['WAWebSendMsgChatAction', 'addAndSendMsgToChat', 'function', 'sending'],
  ['WAWebVcardParsingUtils', 'parseVcard', 'function', 'sending'],
  ['WAWebVcardGetNameFromParsed', 'vcardGetNameFromParsed', 'function', 'sending'],
  ['WAWebChatForwardMessage', 'forwardMessages', 'function', 'sending'],
  ['WAWebMediaOpaqueData', 'createFromData', 'function', 'media'],
  ['WAWebPrepRawMedia', 'prepRawMedia', 'function', 'media'],
  ['WAWebMediaStorage', 'getOrCreateMediaObject', 'function', 'media'],
  ['WAWebMmsMediaTypes', 'msgToMediaType', 'function', 'media'],
  ['WAWebMediaMmsV4Upload', 'uploadMedia', 'function', 'media'],
  ['WAWebDownloadManager', 'downloadManager.downloadAndMaybeDecrypt', 'function', 'media'],
  ['WAWebImageUtils', 'toWebpSticker', 'function', 'stickers'],
  ['WAWebUploadManager', 'encryptAndUpload', 'function', 'stickers'],
  ['WAWebStartMediaUploadQpl', 'startMediaUploadQpl', 'function', 'stickers'],
  ['WAWebSendReactionMsgAction', 'sendReactionToMsg', 'function', 'reactions'],
  ['WAWebAddonReactionTableMode', 'reactionTableMode', 'object', 'reactions'],
  ['WAWebCollections', 'Reactions', 'object', 'reactions'],
  ['WAWebCollections', 'Reactions.find', 'function', 'reactions'],
  ['WAWebMsgActionCapability', 'canEditText', 'function', 'editing'],
  ['WAWebMsgActionCapability', 'canEditCaption', 'function', 'editing'],
  ['WAWebMsgActionCapability', 'canSenderRevokeMsg', 'function', 'editing'],
  ['WAWebMsgActionCapability', 'canAdminRevokeMsg', 'function', 'editing'],
  ['WAWebSendMessageEditAction', 'sendMessageEdit', 'function', 'editing'],
  ['WAWebCmd', 'Cmd.sendRevokeMsgs', 'function', 'editing'],
  ['WAWebCmd', 'Cmd.sendDeleteMsgs', 'function', 'editing'],
  ['WAWebAltDeviceLinkingApi', 'setPairingType', 'function', 'pairing-code'],
  ['WAWebAltDeviceLinkingApi', 'initializeAltDeviceLinking', 'function', 'pairing-code'],
  ['WAWebAltDeviceLinkingApi', 'startAltLinkingFlow', 'function', 'pairing-code'],
  ['WAWebConnModel', 'Conn.canSetMyPushname', 'function', 'profile'],
  ['WAWebSetPushnameConnAction', 'setPushname', 'function', 'profile'],
  ['WAWebContactStatusBridge', 'setMyStatus', 'function', 'profile'],
  ['WAWebContactStatusBridge', 'getStatus', 'function', 'profile'],
  ['WAWebPresenceChatAction', 'sendPresenceAvailable', 'function', 'profile'],
  ['WAWebPresenceChatAction', 'sendPresenceUnavailable', 'function', 'profile'],
  ['WAWebMiscBrowserUtils', 'info', 'function', 'profile'],
  ['WAWebCollections', 'ProfilePicThumb', 'object', 'pictures'],
  ['WAWebCollections', 'ProfilePicThumb.get', 'function', 'pictures'],
  ['WAWebCollections', 'ProfilePicThumb.find', 'function', 'pictures'],
  ['WAWebContactProfilePicThumbBridge', 'requestProfilePicFromServer', 'function', 'pictures'],
  ['WAWebContactProfilePicThumbBridge', 'sendSetPicture', 'function', 'pictures'],
  ['WAWebContactProfilePicThumbBridge', 'requestDeletePicture', 'function', 'pictures'],
  ['WAWebBlockContactUtils', 'getContactToBlockOnlyUseIfNoAssociatedChat', 'function', 'blocking'],
  ['WAWebBlockContactAction', 'blockContact', 'function', 'blocking'],
  ['WAWebBlockContactAction', 'unblockContact', 'function', 'blocking'],
  ['WAWebCollections', 'Blocklist', 'object', 'blocking'],
  ['WAWebCollections', 'Blocklist.getModelsArray', 'function', 'blocking'],
  ['WAWebFindCommonGroupsContactAction', 'findCommonGroups', 'function', 'contact-tools'],
  ['WAWebApiDeviceList', 'getDeviceIds', 'function', 'contact-tools'],
  ['WAWebSaveContactAction', 'saveContactAction', 'function', 'contact-tools'],
  ['WAWebDeleteContactAction', 'deleteContactAction', 'function', 'contact-tools'],
  ['WAWebGroupCreateJob', 'createGroup', 'function', 'groups'],
  ['WAWebApiContact', 'getPhoneNumber', 'function', 'groups'],
  ['WAWebGroupQueryJob', 'queryAndUpdateGroupMetadataById', 'function', 'groups'],
  ['WAWebWidToJid', 'widToUserJid', 'function', 'groups'],
  ['WAWebWidToJid', 'widToGroupJid', 'function', 'groups'],
  ['WASmaxGroupsAddParticipantsRPC', 'sendAddParticipantsRPC', 'function', 'groups'],
  ['WAWebModifyParticipantsGroupAction', 'removeParticipants', 'function', 'groups'],
  ['WAWebModifyParticipantsGroupAction', 'promoteParticipants', 'function', 'groups'],
  ['WAWebModifyParticipantsGroupAction', 'demoteParticipants', 'function', 'groups'],
  ['WAWebGroupModifyInfoJob', 'setGroupSubject', 'function', 'groups'],
  ['WAWebGroupModifyInfoJob', 'setGroupDescription', 'function', 'groups'],
  ['WAWebSetPropertyGroupAction', 'setGroupProperty', 'function', 'groups'],
  ['WAWebExitGroupAction', 'sendExitGroup', 'function', 'groups'],
  ['WAWebMexFetchGroupInviteCodeJob', 'fetchMexGroupInviteCode', 'function', 'group-invites'],
  ['WAWebGroupQueryJob', 'resetGroupInviteCode', 'function', 'group-invites'],
  ['WAWebGroupQueryJob', 'queryGroupInvite', 'function', 'group-invites'],
  ['WAWebGroupInviteJob', 'joinGroupViaInvite', 'function', 'group-invites'],
  ['WAWebGroupInviteV4Job', 'joinGroupViaInviteV4', 'function', 'group-invites'],
  ['WAWebApiMembershipApprovalRequestStore', 'getMembershipApprovalRequests', 'function', 'group-invites'],
  ['WASmaxGroupsMembershipRequestsActionRPC', 'sendMembershipRequestsActionRPC', 'function', 'group-invites'],
  ['WAWebJidToWid', 'userJidToUserWid', 'function', 'group-invites'],
  ['WAWebChatSendMessages', 'sendGroupInviteMessage', 'function', 'group-invites'],
  ['WAWebPhoneUtils', 'formattedPhoneNumber', 'function', 'contact-tools'],
  ['WAPhoneFindCC', 'findCC', 'function', 'contact-tools'],
  ['WAWebMsgActionCapability', 'canStarMsg', 'function', 'message-actions'],
  ['WAWebCmd', 'Cmd.sendStarMsgs', 'function', 'message-actions'],
  ['WAWebCmd', 'Cmd.sendUnstarMsgs', 'function', 'message-actions'],
  ['WAWebPinMsgConstants', 'getPinExpiryDuration', 'function', 'message-actions'],
  ['WAWebSendPinMessageAction', 'sendPinInChatMsg', 'function', 'message-actions'],
  ['WAWebApiMessageInfoStore', 'queryMsgInfo', 'function', 'message-actions'],
  ['WAWebCollections', 'Msg.search', 'function', 'message-actions'],
  ['WAWebPinInChatSchema', 'getTable', 'function', 'message-actions'],
  ['WAWebUserPrefsGeneral', 'getAutoDownloadAudio', 'function', 'preferences'],
  ['WAWebUserPrefsGeneral', 'setAutoDownloadAudio', 'function', 'preferences'],
  ['WAWebUserPrefsGeneral', 'getAutoDownloadDocuments', 'function', 'preferences'],
  ['WAWebUserPrefsGeneral', 'setAutoDownloadDocuments', 'function', 'preferences'],
  ['WAWebUserPrefsGeneral', 'getAutoDownloadPhotos', 'function', 'preferences'],
  ['WAWebUserPrefsGeneral', 'setAutoDownloadPhotos', 'function', 'preferences'],
  ['WAWebUserPrefsGeneral', 'getAutoDownloadVideos', 'function', 'preferences'],
  ['WAWebUserPrefsGeneral', 'setAutoDownloadVideos', 'function', 'preferences'],
  ['WAWebUserPrefsNotifications', 'getGlobalOfflineNotifications', 'function', 'preferences'],
  ['WAWebUserPrefsNotifications', 'setGlobalOfflineNotifications', 'function', 'preferences'],
  ['WAWebSocketModel', 'Socket.reconnect', 'function', 'preferences'],
  ['WAWebCmd', 'Cmd.openChatBottom', 'function', 'interface'],
  ['WAWebCmd', 'Cmd.openDrawerMid', 'function', 'interface'],
  ['WAWebCmd', 'Cmd.chatSearch', 'function', 'interface'],
  ['WAWebCmd', 'Cmd.openChatAt', 'function', 'interface'],
  ['WAWebCmd', 'Cmd.msgInfoDrawer', 'function', 'interface'],
  ['WAWebChatMessageSearch', 'getSearchContext', 'function', 'interface'],
  ['WAWebDrawerManager', 'DrawerManager.closeDrawerRight', 'function', 'interface'],
  ['WALinkify', 'findLinks', 'function', 'links'],
  ['WALinkify', 'findLink', 'function', 'links'],
  ['WAWebLinkPreviewChatAction', 'getLinkPreview', 'function', 'links'],
  ['WAWebApiContact', 'getCurrentLid', 'function', 'lid'],
  ['WAWebApiContact', 'getPhoneNumber', 'function', 'lid'],
  ['WAWebCollections', 'Label', 'object', 'business'],
  ['WAWebCollections', 'Label.getModelsArray', 'function', 'business'],
  ['WAWebCollections', 'Label.get', 'function', 'business'],
  ['WAWebCollections', 'Label.addOrRemoveLabels', 'function', 'business'],
  ['WAWebBizGatingUtils', 'smbNotesV1Enabled', 'function', 'business'],
  ['WAWebNoteAction', 'noteAddAction', 'function', 'business'],
  ['WAWebNoteAction', 'retrieveOnlyNoteForChatJid', 'function', 'business'],
  ['WAWebWidToJid', 'widToUserJid', 'function', 'business'],
  ['WAWebJidToWid', 'userJidToUserWid', 'function', 'business'],
  ['WAWebBizOrderBridge', 'queryOrder', 'function', 'business'],
  ['WAWebBizProductCatalogBridge', 'queryProduct', 'function', 'business'],
  ['WAWebPollsSendVoteMsgAction', 'sendVote', 'function', 'polls'],
  ['WAWebPollsVotesSchema', 'getTable', 'function', 'polls'],
  ['WAWebAddonPollVoteTableMode', 'pollVoteTableMode', 'object', 'polls'],
  ['WAWebMsgKey', 'fromString', 'function', 'polls'],
  ['WAWebGenerateEventCallLink', 'createEventCallLink', 'function', 'polls'],
  ['WAWebSendEventResponseMsgAction', 'sendEventResponseMsg', 'function', 'polls'],
  ['WAWebSendEventEditMsgAction', 'sendEventEditMessage', 'function', 'polls'],
  ['WAWebCallCollection', 'on', 'function', 'calls'],
  ['WAWap', 'wap', 'function', 'calls'],
  ['WAWap', 'generateId', 'function', 'calls'],
  ['WADeprecatedSendIq', 'deprecatedCastStanza', 'function', 'calls'],
  ['WAWebGenerateEventCallLink', 'createEventCallLink', 'function', 'call-links'],
  ['WAWebLaunchSocketUtils', 'refreshQR', 'function', 'pairing-code'],
  ['WAWebAltDeviceLinkingApi', 'initializeQRLinking', 'function', 'pairing-code'],
  ['WAWebCollections', 'Status', 'object', 'status'],
  ['WAWebCollections', 'Status.get', 'function', 'status'],
  ['WAWebCollections', 'Status.find', 'function', 'status'],
  ['WAWebCollections', 'Status.getMyStatus', 'function', 'status'],
  ['WAWebCollections', 'Status.getModelsArray', 'function', 'status'],
  ['WAWebCollections', 'Msg.modelClass', 'function', 'status'],
  ['WAWebSendStatusMsgAction', 'sendStatusTextMsgAction', 'function', 'status'],
  ['WAWebSendStatusMsgAction', 'sendStatusMediaMsgAction', 'function', 'status'],
  ['WAWebMediaUpdateMsg', 'call', 'function', 'status'],
  ['WAWebStatusGatingUtils', 'canCheckStatusRankingPosterGating', 'function', 'status'],
  ['WAWebRevokeStatusAction', 'sendStatusRevokeMsgAction', 'function', 'status'],
  ['WAWebCollections', 'WAWebNewsletterCollection', 'object', 'channels'],
  ['WAWebCollections', 'WAWebNewsletterCollection.get', 'function', 'channels'],
  ['WAWebCollections', 'WAWebNewsletterCollection.find', 'function', 'channels'],
  ['WAWebCollections', 'WAWebNewsletterCollection.getModelsArray', 'function', 'channels'],
  ['WAWebCollections', 'NewsletterMetadataCollection.update', 'function', 'channels'],
  ['WAWebLoadNewsletterPreviewChatAction', 'loadNewsletterPreviewChat', 'function', 'channels'],
  ['WAWebNewsletterGatingUtils', 'isNewsletterCreationEnabled', 'function', 'channels'],
  ['WAWebNewsletterGatingUtils', 'getMaxSubscriberNumber', 'function', 'channels'],
  ['WAWebNewsletterGatingUtils', 'getNewsletterDirectoryPageSize', 'function', 'channels'],
  ['WAWebNewsletterCreateQueryJob', 'createNewsletterQuery', 'function', 'channels'],
  ['WAWebJidToWid', 'newsletterJidToWid', 'function', 'channels'],
  ['WAWebNewsletterModelUtils', 'getRoleByIdentifier', 'function', 'channels'],
  ['WAWebNewsletterModelUtils', 'ADMIN_NOTIFICATIONS', 'value', 'channels'],
  ['WAWebNewsletterModelUtils', 'MUTED_STATE', 'value', 'channels'],
  ['WAWebNewsletterModelUtils', 'UNMUTED_STATE', 'value', 'channels'],
  ['WAWebNewsletterMetadataQueryJob', 'queryNewsletterMetadataByInviteCode', 'function', 'channels'],
  ['WAWebL10N', 'getRegion', 'function', 'channels'],
  ['WAWebCountriesNativeCountryNames', 'countryCodesIso', 'object', 'channels'],
  ['WAWebNewsletterDirectorySearchAction', 'fetchNewsletterDirectories', 'function', 'channels'],
  ['WAWebNewsletterSubscribeAction', 'subscribeToNewsletterAction', 'function', 'channels'],
  ['WAWebNewsletterUnsubscribeAction', 'unsubscribeFromNewsletterAction', 'function', 'channels'],
  ['WAWebNewsletterDeleteAction', 'deleteNewsletterAction', 'function', 'channels'],
  ['WAWebEditNewsletterMetadataAction', 'editNewsletterMetadataAction', 'function', 'channels'],
  ['WAWebNewsletterUpdateUserSettingJob', 'updateNewsletterUserSetting', 'function', 'channels'],
  ['WAJids', 'toNewsletterJid', 'function', 'channels'],
  ['WAWebMexFetchNewsletterSubscribersJob', 'mexFetchNewsletterSubscribers', 'function', 'channels'],
  ['WAWebNewsletterSubscriberListAction', 'getSubscribersInContacts', 'function', 'channels'],
  ['WAWebCollections', 'Msg.modelClass', 'function', 'channels'],
  ['WAWebMsgDataFromModel', 'msgDataFromMsgModel', 'function', 'channels'],
  ['WAWebNewsletterUpdateMsgsRecordsJob', 'addNewsletterMsgsRecords', 'function', 'channels'],
  ['WAWebNewsletterUpdateMsgsRecordsJob', 'updateNewsletterMsgRecord', 'function', 'channels'],
  ['WAWebNewsletterSendMessageJob', 'sendNewsletterMessageJob', 'function', 'channels'],
  ['WAWebNewsletterSendMsgAction', 'sendNewsletterAdminInviteMessage', 'function', 'channels'],
  ['WAWebMexAcceptNewsletterAdminInviteJob', 'acceptNewsletterAdminInvite', 'function', 'channels'],
  ['WAWebMexRevokeNewsletterAdminInviteJob', 'revokeNewsletterAdminInvite', 'function', 'channels'],
  ['WAWebDemoteNewsletterAdminAction', 'demoteNewsletterAdmin', 'function', 'channels'],
  ['WAWebCollections', 'Contact.get', 'function', 'channels'],
  ['WAWebChangeNewsletterOwnerAction', 'changeNewsletterOwnerAction', 'function', 'channels'],
  ['WAWebContactCollection', 'getMeContact', 'function', 'channels'],
  ['WAWebNewsletterDemoteAdminJob', 'demoteNewsletterAdminAction', 'function', 'channels'],
  ['WAWebMediaMmsV4Upload', 'uploadUnencryptedMedia', 'function', 'channels'],
  ['WAMediaCalculateFilehash', 'getRandomFilehash', 'function', 'channels'],
];

function loaded(req: Req, name: string): unknown {
  try {
    return req(name);
  } catch {
    return undefined;
  }
}

/** A manifest module: one module, or several joined by `+` seen as one (members of later ones win); undefined when none loads. */
export function loadModule(req: Req, spec: string): any {
  const names = spec.split('+');
  if (names.length === 1) return loaded(req, spec);
  const parts = names.map((name) => loaded(req, name)).filter((m): m is object => typeof m === 'object' && m !== null);
  return parts.length === 0 ? undefined : Object.assign({}, ...parts);
}

/** The features the running build's contract check switched off (set by {@link checkContract}). */
const switchedOff = new Set<PageFeature>();

/** Whether the running build lacks members of `feature` (its calls are refused, or its fallback taken). */
export function featureOff(feature: PageFeature): boolean {
  return switchedOff.has(feature);
}

/** What `value` is, in the manifest's terms. */
function kindOf(value: unknown): string {
  if (value === undefined || value === null) return 'missing';
  return typeof value;
}

function fits(found: string, expected: Kind): boolean {
  if (expected === 'value') return found !== 'missing';
  // A class or a callable module object may stand where an object is wanted.
  return found === expected || (expected === 'object' && found === 'function');
}

/** Every manifest entry the running app lacks or has with another kind; empty when it has them all. */
export function checkContract(req: Req): PageContractMiss[] {
  const misses: PageContractMiss[] = [];
  for (const [module, member, expected, feature] of MANIFEST) {
    let value: unknown = loadModule(req, module);
    for (const part of member.split('.')) value = kindOf(value) === 'missing' ? undefined : (value as Record<string, unknown>)[part];
    const found = kindOf(value);
    if (!fits(found, expected)) misses.push({ module, member, feature, expected, found });
  }
  switchedOff.clear();
  for (const miss of misses) switchedOff.add(miss.feature);
  return misses;
}
