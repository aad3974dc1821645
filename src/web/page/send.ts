/**
 * Sending as the app's own UI does (docs/page-contract.md, "Messaging" and "Media"): texts and
 * media through `addAndSendMsgToChat`, media prepared and uploaded first; and downloading received
 * media through the download manager.
 */
import type { PageContent, PageLocation, PageMedia, PageMessage, PageSendOptions } from '../bridge';
import { featureOff } from './contract';
import { watched } from './drift';
import { findChat, findMsg, keyString, toPageMessage, type AppMsg, type Req } from './messages';
import { buttonsFields, eventFields, listFields, pollFields } from './polls';

/**
 * A new key for a message this device sends to `chat` from `from` (with `participant` in groups and status),
 * and the fields every such message starts with, as the app's UI (and whatsapp-web.js) builds them.
 */
export async function outgoing(
  req: Req,
  chat: any,
  from: unknown,
  participant?: unknown,
): Promise<{ key: any; fields: Record<string, unknown> }> {
  const MsgKey = req('WAWebMsgKey');
  const key = new MsgKey({ from, to: chat.id, id: await MsgKey.newId(), participant, selfDir: 'out' });
  const fields = { id: key, ack: 0, from, to: chat.id, local: true, self: 'out', t: Math.floor(Date.now() / 1000), isNewMsg: true };
  return { key, fields };
}

/**
 * Sends `content` (the message's own fields: a text's `body`, a media message's prepared data) to
 * `chatId`: the chat from `Chat.get` or `findOrCreateLatestChat`, a new key from `WAWebMsgKey`, the
 * quote context of the replied-to message, then `addAndSendMsgToChat`; resolves once the message is in the
 * chat, or once the server has it with `waitUntilSent`.
 */
export async function send(req: Req, chatId: string, content: Record<string, unknown>, options: PageSendOptions): Promise<PageMessage> {
  const factory = req('WAWebWidFactory');
  const Collections = req('WAWebCollections');
  const chat = await findChat(req, chatId);
  if (!chat) throw new Error(`no chat for ${chatId}`);
  const me = req('WAWebUserPrefsMeUser');
  const group = chat.id.isGroup?.() === true;
  const useLid = group ? chat.groupMetadata?.isLidAddressingMode === true : chat.id.isLid?.() === true;
  const from = useLid ? me.getMaybeMeLidUser() : me.getMaybeMePnUser();
  const participant = group || chat.id.isStatus?.() === true ? factory.asUserWidOrThrow(from) : undefined;
  const { key, fields } = await outgoing(req, chat, from, participant);
  let quote: Record<string, unknown> = {};
  if (options.quotedId !== undefined) {
    const quoted = await findMsg(req, options.quotedId);
    // As whatsapp-web.js: a quote that cannot be found is left out, unless `ignoreQuoteErrors` is false.
    if (!quoted && options.ignoreQuoteErrors === false) throw new Error(`the quoted message ${options.quotedId} is not on this device`);
    if (quoted && (await watched('WAWebMsgReply.canReplyMsg', 'sending', () => req('WAWebMsgReply').canReplyMsg(quoted.unsafe()))))
      quote = quoted.msgContextInfo(chat);
  }
  const data = {
    ...fields,
    type: 'chat',
    mentionedJidList: (options.mentions ?? []).map((id) => factory.createWid(id)).filter(Boolean),
    ...(options.groupMentions === undefined
      ? {}
      : { groupMentions: options.groupMentions.map((g) => ({ groupSubject: g.subject, groupJid: factory.createWid(g.id) })) }),
    ...req('WAWebGetEphemeralFieldsMsgActionsUtils').getEphemeralFields(chat),
    ...content,
    ...quote,
  };
  await watched('WAWebSendMsgChatAction.addAndSendMsgToChat', 'sending', async () => {
    const [added, sent] = req('WAWebSendMsgChatAction').addAndSendMsgToChat(chat, data) as [Promise<unknown>, Promise<unknown>];
    // As whatsapp-web.js: the server's result is waited for only with `waitUntilSent`; acks follow either way.
    if (options.waitUntilSent !== true) sent.catch(() => undefined);
    await added;
    if (options.waitUntilSent === true) await sent;
  });
  return toPageMessage(Collections.Msg.get(keyString(key)) as AppMsg);
}

/** A text's fields: a vCard text becomes a contact card, a link gets its preview (both on by default). */
async function textFields(req: Req, body: string, options: PageSendOptions): Promise<Record<string, unknown>> {
  if (options.parseVCards !== false && body.startsWith('BEGIN:VCARD')) {
    try {
      const parsed = req('WAWebVcardParsingUtils').parseVcard(body);
      if (parsed) return { body, type: 'vcard', vcardFormattedName: req('WAWebVcardGetNameFromParsed').vcardGetNameFromParsed(parsed) };
    } catch {
      // Not a vCard after all: sent as text.
    }
  }
  const fields: Record<string, unknown> = { body, type: 'chat' };
  // Without the link helpers (feature `links` off) texts go without a preview.
  if (options.linkPreview === false || featureOff('links')) return fields;
  const link = req('WALinkify').findLink(body);
  if (!link) return fields;
  try {
    const preview = await req('WAWebLinkPreviewChatAction').getLinkPreview(link);
    if (preview?.data) Object.assign(fields, preview.data, { preview: true, subtype: 'url' });
  } catch {
    // A preview that cannot be fetched does not stop the text.
  }
  return fields;
}

/** A location's fields, as the app's location messages carry them. */
function locationFields(req: Req, location: PageLocation): Record<string, unknown> {
  // Without the link helpers (feature `links` off) the URL goes as given.
  const url = location.url === undefined || featureOff('links') ? location.url : req('WALinkify').findLink(location.url)?.href;
  const described = location.name && location.address ? `${location.name}\n${location.address}` : location.name || location.address || '';
  return { body: '', type: 'location', lat: location.latitude, lng: location.longitude, loc: described || url || '', clientUrl: url };
}

/** Sends a text, a location, or contact cards (one `vcard`, several `multi_vcard`). */
export async function sendContent(req: Req, chatId: string, content: PageContent, options: PageSendOptions): Promise<PageMessage> {
  switch (content.kind) {
    case 'text':
      return send(req, chatId, await textFields(req, content.body, options), options);
    case 'location':
      return send(req, chatId, locationFields(req, content.location), options);
    case 'vcards': {
      const [first, ...rest] = content.cards;
      if (!first) throw new Error('no contact card to send');
      const fields =
        rest.length === 0
          ? { body: first.vcard, type: 'vcard', vcardFormattedName: first.name }
          : { body: null, type: 'multi_vcard', vcardList: content.cards.map((c) => ({ displayName: c.name, vcard: c.vcard })) };
      return send(req, chatId, fields, options);
    }
    case 'poll':
      return send(req, chatId, pollFields(content.poll), options);
    case 'event':
      return send(req, chatId, await eventFields(req, content.event), options);
    case 'buttons':
      return send(req, chatId, buttonsFields(content.buttons), options);
    case 'list':
      return send(req, chatId, listFields(req, content.list), options);
  }
}

/** Forwards a message to another chat, as the app's forward action does (caption included). */
export async function forward(req: Req, messageId: string, chatId: string): Promise<void> {
  const msg = await findMsg(req, messageId);
  if (!msg) throw new Error(`no message ${messageId} on this device`);
  const chat = await findChat(req, chatId);
  if (!chat) throw new Error(`no chat for ${chatId}`);
  await watched('WAWebChatForwardMessage.forwardMessages', 'sending', () =>
    req('WAWebChatForwardMessage').forwardMessages({ chat, msgs: [msg], multicast: true, includeCaption: true, appendedText: undefined }),
  );
}

export function fromBase64(data: string): Uint8Array<ArrayBuffer> {
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
  const mediaData = await uploadMedia(req, media, options);
  const json = typeof mediaData.toJSON === 'function' ? mediaData.toJSON() : {};
  return send(
    req,
    chatId,
    {
      ...json,
      type: mediaData.type,
      body: mediaData.preview,
      ...(options.caption === undefined ? {} : { caption: options.caption }),
      ...(options.isViewOnce === true ? { isViewOnce: true } : {}),
    },
    options,
  );
}

/**
 * The file as opaque data, prepared and uploaded: the app's media data, with the upload's direct path and key set.
 * For a channel (`toChannel`) it is uploaded unencrypted under a random token and keeps the upload's handle.
 */
export async function uploadMedia(req: Req, media: PageMedia, options: PageSendOptions, toChannel = false): Promise<any> {
  return uploadFile(req, new File([fromBase64(media.data)], media.filename ?? 'file', { type: media.mimetype }), options, toChannel);
}

/** `uploadMedia` of a file; `options.asSticker` prepares it as a sticker (whatsapp-web.js's `forceSticker`). */
export async function uploadFile(req: Req, file: File, options: PageSendOptions, toChannel = false): Promise<any> {
  const OpaqueData = req('WAWebMediaOpaqueData');
  const opaque = await OpaqueData.createFromData(file, file.type);
  // As whatsapp-web.js: HD is a larger longest side for images (the app's default is smaller).
  const prep = req('WAWebPrepRawMedia').prepRawMedia(opaque, {
    asSticker: options.asSticker === true,
    asGif: options.asGif === true,
    isPtt: options.asVoice === true,
    asDocument: options.asDocument === true,
    ...(options.asHd === true && file.type.startsWith('image/') ? { maxDimension: 2560 } : {}),
  });
  const mediaData = await watched('WAWebPrepRawMedia.prepRawMedia', 'media', () => prep.waitForPrep());
  const mediaObject = req('WAWebMediaStorage').getOrCreateMediaObject(mediaData.filehash);
  const mediaTypes = req('WAWebMmsMediaTypes');
  const mediaType = mediaTypes.msgToMediaType({ type: mediaData.type, isGif: mediaData.isGif, isNewsletter: toChannel });
  if (!(mediaData.mediaBlob instanceof OpaqueData))
    mediaData.mediaBlob = await OpaqueData.createFromData(mediaData.mediaBlob, mediaData.mediaBlob.type);
  mediaData.renderableUrl = mediaData.mediaBlob.url();
  mediaObject.consolidate(mediaData.toJSON());
  mediaData.mediaBlob.autorelease();
  const upload = { mimetype: mediaData.mimetype, mediaObject, mediaType };
  const { mediaEntry } = toChannel
    ? await watched('WAWebMediaMmsV4Upload.uploadUnencryptedMedia', 'channels', () =>
        req('WAWebMediaMmsV4Upload').uploadUnencryptedMedia({
          ...upload,
          calculateToken: req('WAMediaCalculateFilehash').getRandomFilehash,
        }),
      )
    : await watched('WAWebMediaMmsV4Upload.uploadMedia', 'media', () => req('WAWebMediaMmsV4Upload').uploadMedia(upload));
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
    ...(toChannel ? { mediaHandle: mediaEntry.handle } : {}),
  });
  return mediaData;
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
    bytes = await watched('WAWebDownloadManager.downloadManager.downloadAndMaybeDecrypt', 'media', () =>
      req('WAWebDownloadManager').downloadManager.downloadAndMaybeDecrypt({
        directPath: msg.directPath,
        encFilehash: msg.encFilehash,
        filehash: msg.filehash,
        mediaKey: msg.mediaKey,
        mediaKeyTimestamp: msg.mediaKeyTimestamp,
        type: msg.type,
        signal: new AbortController().signal,
        downloadQpl: noQpl,
      }),
    );
  } catch (err) {
    // Expired media answers 404 (not a TypeError, so `watched` passes it on as it is).
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
