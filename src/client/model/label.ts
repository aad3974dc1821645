import { InvalidOptionError, NotBusinessError } from '../../errors';
import type { PageLabel } from '../../web/bridge';
import type { ModelClient } from './model-client';
import type { ModelTypes } from './registry';

/** A WhatsApp Business label (whatsapp-web.js's `Label`): what the account's labels list says. */
export class Label {
  readonly id: string;
  readonly name: string;
  /** e.g. `#ff9485`. */
  readonly hexColor: string;
  readonly #client: ModelClient;

  constructor(client: ModelClient, data: { id: string; name: string; hexColor: string }) {
    this.#client = client;
    this.id = data.id;
    this.name = data.name;
    this.hexColor = data.hexColor;
  }

  /** The chats that carry this label. */
  getChats(): Promise<Array<ModelTypes['Chat']>> {
    return chatsWithLabel(this.#client, 'getChats()', this.id);
  }
}

/** The chats that carry label `labelId`; `InvalidOptionError` when the account has no such label (whatsapp-web.js throws there too). */
export async function chatsWithLabel(client: ModelClient, what: string, labelId: string): Promise<Array<ModelTypes['Chat']>> {
  const ids = await client.readyPage(what).call('labelChats', String(labelId));
  if (ids === null) throw new InvalidOptionError(`labelId: the account has no label ${JSON.stringify(labelId)}`);
  return Promise.all(ids.map((id) => client.getChatById(id)));
}

/** The labels on a chat (none on a personal account). */
export async function labelsOfChat(client: ModelClient, what: string, chatId: string): Promise<Label[]> {
  return (await client.readyPage(what).call('chatLabels', chatId)).map((data: PageLabel) => new Label(client, data));
}

/** Puts exactly `labelIds` on each chat; `NotBusinessError` on a personal account, as whatsapp-web.js refuses it. */
export async function setChatLabels(client: ModelClient, what: string, labelIds: Array<number | string>, chatIds: string[]): Promise<void> {
  if (!Array.isArray(labelIds) || !Array.isArray(chatIds)) throw new InvalidOptionError('labelIds and chatIds must be arrays');
  const done = await client.readyPage(what).call(
    'changeLabels',
    labelIds.map((id) => String(id)),
    chatIds.map((id) => String(id)),
  );
  if (!done) throw new NotBusinessError(what);
}
