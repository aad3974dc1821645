import type { PageCustomerNote } from '../../web/bridge';
import type { ModelClient } from './model-client';

/** A WhatsApp Business note on a customer (`Chat.getCustomerNote()`): `chatId`, `content`, `createdAt`, `id`, `modifiedAt`, `type`. */
export type CustomerNote = PageCustomerNote;

/** Writes (or rewrites) the note on a customer; on a personal account nothing happens, as in whatsapp-web.js. */
export async function writeCustomerNote(client: ModelClient, what: string, userId: string, note: string): Promise<void> {
  await client.readyPage(what).call('setCustomerNote', userId, String(note));
}

/** The note on a customer; null when there is none or on a personal account, as whatsapp-web.js answers (declared non-null). */
export async function readCustomerNote(client: ModelClient, what: string, userId: string): Promise<CustomerNote | null> {
  return client.readyPage(what).call('customerNote', userId);
}
