/**
 * `Msg.modelClass`: a message model from the data a client builds (flat media fields from the upload, a poll's
 * fields), as whatsapp-web.js builds a channel post. Media posted to a channel has a handle and no key.
 */
import { mediaOf } from './msg-data';
import { sentContent } from './polls';
import { MsgModel, type MsgFields } from './wa-models';

export class AppMsgModel extends MsgModel {
  constructor(data: MsgFields & Record<string, unknown>) {
    const channelMedia = typeof data['mediaHandle'] === 'string' && data['mediaKey'] === undefined;
    const media = data.media ?? mediaOf(channelMedia ? { ...data, mediaKey: '' } : data);
    super({ ...data, body: typeof data.body === 'string' ? data.body : '', media, content: data.content ?? sentContent(data) });
  }
}
