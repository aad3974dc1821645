/**
 * The window calls of the typed bridge (./bridge.ts, the same part): what crosses for whatsapp-web.js's
 * `InterfaceController` (open a chat or a message, drawers, the app's feature switches), and the features
 * each call needs. Types and one table of constants; it imports nothing.
 */

/** What `openChatPane` opens: the chat itself, its info drawer, or its search. */
export type PageChatPane = 'window' | 'drawer' | 'search';
/** What `openMessagePane` opens: the message's chat at it, or its info drawer. */
export type PageMessagePane = 'at' | 'drawer';

/** The page calls that drive the app's window (members of `PageApi`). */
export interface PageInterfaceApi {
  /** Opens a pane of the app's window for a chat; `null` when there is no such chat. */
  openChatPane(pane: PageChatPane, chatId: string): Promise<boolean | null>;
  /** false when the app has no such message. */
  openMessagePane(pane: PageMessagePane, messageId: string): Promise<boolean>;
  closeRightDrawer(): Promise<void>;
  /** The app's feature switches: `null` (or false) when the build has none. */
  features(): Promise<Record<string, unknown> | null>;
  featureStatus(feature: string): Promise<boolean | null>;
  setFeatures(features: string[], on: boolean): Promise<boolean>;
}

/** The features each window call needs (part of `PAGE_API_FEATURES`, which checks them against `PageFeature`). */
export const INTERFACE_API_FEATURES = {
  openChatPane: ['messages', 'chats', 'interface'],
  openMessagePane: ['messages', 'chats', 'interface'],
  closeRightDrawer: ['interface'],
  features: [],
  featureStatus: [],
  setFeatures: [],
} as const;
