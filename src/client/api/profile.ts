/**
 * The client's calls about its own account and app: status text, display name, profile picture,
 * presence, media auto-download and background sync, the app's interface. None is there yet (issue 26):
 * each throws `NotSupportedError` naming it (compat/).
 */
import type { MessageMedia } from '../model/message-media';

/** whatsapp-web.js's `InterfaceController`: opens panes of the app's own window. */
export interface InterfaceController {
  openChatWindow(chatId: string): Promise<void>;
  openChatDrawer(chatId: string): Promise<void>;
  openChatSearch(chatId: string): Promise<void>;
  openChatWindowAt(msgId: string): Promise<void>;
  openMessageDrawer(msgId: string): Promise<void>;
  closeRightDrawer(): Promise<void>;
  getFeatures(): Promise<unknown>;
  checkFeatureStatus(feature: string): Promise<boolean>;
  enableFeatures(features: string[]): Promise<void>;
  disableFeatures(features: string[]): Promise<void>;
}

export interface ProfileApi {
  /** Not there yet (issue 26): reading it throws `NotSupportedError`. */
  readonly interface: InterfaceController | undefined;
  setStatus(status: string): Promise<void>;
  setDisplayName(displayName: string): Promise<boolean>;
  setProfilePicture(media: MessageMedia): Promise<boolean>;
  deleteProfilePicture(): Promise<boolean>;
  sendPresenceAvailable(): Promise<void>;
  sendPresenceUnavailable(): Promise<void>;
  setAutoDownloadAudio(flag: boolean): Promise<void>;
  setAutoDownloadDocuments(flag: boolean): Promise<void>;
  setAutoDownloadPhotos(flag: boolean): Promise<void>;
  setAutoDownloadVideos(flag: boolean): Promise<void>;
  /** Takes effect after a restart. */
  setBackgroundSync(flag: boolean): Promise<void>;
  /** Forces the app to reconnect. */
  resetState(): Promise<void>;
}
