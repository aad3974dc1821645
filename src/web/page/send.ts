/**
 * Sending as the app's own UI does (docs/page-contract.md, "Messaging" and "Media"): texts and
 * media through `addAndSendMsgToChat`, media prepared and uploaded first; and downloading received
 * media through the download manager.
 */
import type { PageMedia, PageMessage, PageSendOptions } from '../bridge';
import { findChat, findMsg, keyString, toPageMessage, type AppMsg, type Req } from './messages';

/**
 * Sends `content` (the message's own fields: a text's `body`, a media message's prepared data) to
 * `chatId`: the chat from `Chat.get` or `findOrCreateLatestChat`, a new key from `WAWebMsgKey`, the
 * quote context of the replied-to message, then `addAndSendMsgToChat`; resolves once the server has it.
 */
async function send(req: Req, chatId: string, content: Record<string, unknown>, quotedId: string | undefined): Promise<PageMessage> {
  const factory = req('WAWebWidFactory');
  const Collections = req('WAWebCollections');
  const chat = await findChat(req, chatId);
  if (!chat) throw new Error(`no chat for ${chatId}`);
  const me = req('WAWebUserPrefsMeUser');
  const group = chat.id.isGroup?.() === true;
  const useLid = group ? chat.groupMetadata?.isLidAddressingMode === true : chat.id.isLid?.() === true;
  const from = useLid ? me.getMaybeMeLidUser() : me.getMaybeMePnUser();
  const participant = group || chat.id.isStatus?.() === true ? factory.asUserWidOrThrow(from) : undefined;
  const MsgKey = req('WAWebMsgKey');
  const key = new MsgKey({ from, to: chat.id, id: await MsgKey.newId(), participant, selfDir: 'out' });
  let quote: Record<string, unknown> = {};
  if (quotedId !== undefined) {
    const quoted = await findMsg(req, quotedId);
    if (!quoted) throw new Error(`the quoted message ${quotedId} is not on this device`);
    if (req('WAWebMsgReply').canReplyMsg(quoted.unsafe())) quote = quoted.msgContextInfo(chat);
  }
  const data = {
    id: key,
    ack: 0,
    from,
    to: chat.id,
    local: true,
    self: 'out',
    t: Math.floor(Date.now() / 1000),
    isNewMsg: true,
    type: 'chat',
    ...req('WAWebGetEphemeralFieldsMsgActionsUtils').getEphemeralFields(chat),
    ...content,
    ...quote,
  };
  const [added, sent] = req('WAWebSendMsgChatAction').addAndSendMsgToChat(chat, data);
  await added;
  await sent;
  return toPageMessage(Collections.Msg.get(keyString(key)) as AppMsg);
}

export function sendText(req: Req, chatId: string, body: string, quotedId: string | undefined): Promise<PageMessage> {
  return send(req, chatId, { body, type: 'chat' }, quotedId);
}

function fromBase64(data: string): Uint8Array<ArrayBuffer> {
  const binary = atob(data);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function toBase64(buffer: ArrayBuffer): string {
  const bytes = new Uint8Array(buffer);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** Media: the file as opaque data, prepared, uploaded (which gives its direct path and key), then sent. */
export async function sendMedia(req: Req, chatId: string, media: PageMedia, options: PageSendOptions): Promise<PageMessage> {
  const file = new File([fromBase64(media.data)], media.filename ?? 'file', { type: media.mimetype });
  const OpaqueData = req('WAWebMediaOpaqueData');
  const opaque = await OpaqueData.createFromData(file, media.mimetype);
  const prep = req('WAWebPrepRawMedia').prepRawMedia(opaque, {
    asDocument: options.asDocument === true,
    isPtt: options.asVoice === true,
    asSticker: false,
    asGif: false,
  });
  const mediaData = await prep.waitForPrep();
  const mediaObject = req('WAWebMediaStorage').getOrCreateMediaObject(mediaData.filehash);
  const mediaTypes = req('WAWebMmsMediaTypes');
  const mediaType = mediaTypes.msgToMediaType({ type: mediaData.type, isGif: mediaData.isGif, isNewsletter: false });
  if (!(mediaData.mediaBlob instanceof OpaqueData))
    mediaData.mediaBlob = await OpaqueData.createFromData(mediaData.mediaBlob, mediaData.mediaBlob.type);
  mediaData.renderableUrl = mediaData.mediaBlob.url();
  mediaObject.consolidate(mediaData.toJSON());
  mediaData.mediaBlob.autorelease();
  const { mediaEntry } = await req('WAWebMediaMmsV4Upload').uploadMedia({ mimetype: mediaData.mimetype, mediaObject, mediaType });
  if (!mediaEntry) throw new Error('upload failed: no media entry');
  mediaData.set({
    clientUrl: mediaEntry.mmsUrl,
    deprecatedMms3Url: mediaEntry.deprecatedMms3Url,
    directPath: mediaEntry.directPath,
    mediaKey: mediaEntry.mediaKey,
    mediaKeyTimestamp: mediaEntry.mediaKeyTimestamp,
    filehash: mediaObject.filehash,
    encFilehash: mediaEntry.encFilehash,
    uploadhash: mediaEntry.uploadHash,
    size: mediaObject.size,
  });
  const json = typeof mediaData.toJSON === 'function' ? mediaData.toJSON() : {};
  return send(
    req,
    chatId,
    { ...json, type: mediaData.type, body: mediaData.preview, ...(options.caption === undefined ? {} : { caption: options.caption }) },
    options.quotedId,
  );
}

/** A received (or sent) message's media, decrypted; `null` when there is none or it expired. */
export async function downloadMedia(req: Req, messageId: string): Promise<PageMedia | null> {
  const msg = await findMsg(req, messageId);
  if (!msg?.mediaData || msg.mediaData.mediaStage === 'REUPLOADING') return null;
  if (msg.mediaData.mediaStage !== 'RESOLVED') await msg.downloadMedia({ downloadEvenIfExpensive: true, rmrReason: 1 });
  const stage = String(msg.mediaData.mediaStage);
  if (stage.includes('ERROR') || stage === 'FETCHING') return null;
  const noQpl = {
    addAnnotations(): unknown {
      return this;
    },
    addPoint(): unknown {
      return this;
    },
  };
  let bytes: ArrayBuffer;
  try {
    bytes = await req('WAWebDownloadManager').downloadManager.downloadAndMaybeDecrypt({
      directPath: msg.directPath,
      encFilehash: msg.encFilehash,
      filehash: msg.filehash,
      mediaKey: msg.mediaKey,
      mediaKeyTimestamp: msg.mediaKeyTimestamp,
      type: msg.type,
      signal: new AbortController().signal,
      downloadQpl: noQpl,
    });
  } catch (err) {
    if ((err as { status?: unknown } | null)?.status === 404) return null;
    throw err;
  }
  return {
    mimetype: String(msg.mimetype),
    data: toBase64(bytes),
    ...(typeof msg.filename === 'string' ? { filename: msg.filename } : {}),
    ...(typeof msg.size === 'number' ? { filesize: msg.size } : {}),
  };
}
