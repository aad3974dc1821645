/**
 * The chat actions both `Client` (`archiveChat(id)`) and `Chat` (`chat.archive()`) offer, in one place:
 * one page call each (`chatAction`), with whatsapp-web.js 1.34.7's return values.
 */
import { InvalidOptionError, PageError } from '../../errors';
import type { PageChatAction, PageChatActionResult } from '../../web/bridge';
import type { ModelClient } from './model-client';
import { chatIdOf } from './wid';

/** A chat's mute state after `mute`/`unmute`: `muteExpiration` -1 is forever, else seconds since the epoch (0: not muted). */
export interface MuteState {
  isMuted: boolean;
  muteExpiration: number;
}

/** Runs `action` on the chat; `null` when the app has no such chat. */
function run(client: ModelClient, what: string, chatId: string, action: PageChatAction): Promise<PageChatActionResult | null> {
  return client.readyPage(what).chatAction(chatIdOf(chatId), action);
}

/** Runs `action`; a chat the app does not have is a `PageError` (whatsapp-web.js fails inside the page). */
async function runOn(client: ModelClient, what: string, chatId: string, action: PageChatAction): Promise<PageChatActionResult> {
  const result = await run(client, what, chatId, action);
  if (!result) throw new PageError(`no chat with ${chatIdOf(chatId)}`);
  return result;
}

/** Archives (`on`) or unarchives: whatsapp-web.js returns the new state, true or false. */
export async function archive(client: ModelClient, what: string, chatId: string, on: boolean): Promise<boolean> {
  return (await runOn(client, what, chatId, { kind: 'archive', on })).ok;
}

/** Pins (`on`) or unpins: the new pin state, false when the pin limit (three chats) is reached. */
export async function pin(client: ModelClient, what: string, chatId: string, on: boolean): Promise<boolean> {
  return (await runOn(client, what, chatId, { kind: 'pin', on })).ok;
}

/** The mute expiration whatsapp-web.js sends for `unmuteDate`: its seconds, or -1 (forever) without one. */
function expirationOf(unmuteDate: unknown): number {
  if (unmuteDate === undefined || unmuteDate === null) return -1;
  if (!(unmuteDate instanceof Date) || Number.isNaN(unmuteDate.getTime()))
    throw new InvalidOptionError('unmuteDate must be a valid Date (or left out to mute forever)');
  const seconds = Math.floor(unmuteDate.getTime() / 1000);
  // 0 would mean "not muted" to the app; -1 "forever".
  if (seconds <= 0) throw new InvalidOptionError('unmuteDate must be after 1970-01-01T00:00:01Z');
  return seconds;
}

/** Mutes until `unmuteDate` (forever without one), or unmutes (`unmuteDate` null). */
export async function mute(client: ModelClient, what: string, chatId: string, unmuteDate: Date | undefined | null): Promise<MuteState> {
  const expiration = unmuteDate === null ? 0 : expirationOf(unmuteDate);
  const { isMuted, muteExpiration } = await runOn(client, what, chatId, { kind: 'mute', expiration });
  return { isMuted, muteExpiration };
}

export async function markUnread(client: ModelClient, what: string, chatId: string): Promise<void> {
  await runOn(client, what, chatId, { kind: 'markUnread' });
}

/** Clears the chat's messages on this device, or deletes the chat: false when there is no such chat. */
export async function clearOrDelete(client: ModelClient, what: string, chatId: string, kind: 'clear' | 'delete'): Promise<boolean> {
  return (await run(client, what, chatId, { kind }))?.ok ?? false;
}
