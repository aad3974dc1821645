/**
 * The model's classes that refer to each other, by name. A message names its chat, a chat its
 * messages, a contact its chat: each class's own file adds itself here (`declare module`), so a file
 * that only needs another class's type reads it from this table instead of importing that file, and
 * the model's import graph has no cycle, not even a type-only one.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging in message.ts, chat.ts and contact.ts
export interface ModelTypes {}
