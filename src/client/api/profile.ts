/**
 * The client's calls about its own account and app: status text, display name, profile picture,
 * presence, media auto-download and background sync, the app's interface. Installed on `Client`'s
 * prototype (client.ts); a call not there yet throws `NotSupportedError` naming it (compat/).
 */
import { InvalidOptionError, NotReadyError } from '../../errors';
import { returnedAsVoid } from '../compat/declared';
import type { MessageMedia } from '../model/message-media';
import type { ModelClient } from '../model/model-client';
import { pictureOf } from '../model/picture';
import { interfaceOf, type InterfaceController } from './interface';

export interface ProfileApi {
  /** The app's window and feature switches (whatsapp-web.js's `InterfaceController`); its calls need a ready client. */
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
  /** Takes effect after a restart. Resolves the flag, as whatsapp-web.js does at run time (it declares `void`). */
  setBackgroundSync(flag: boolean): Promise<void>;
  /** Forces the app to reconnect. */
  resetState(): Promise<void>;
}

type Implemented =
  | 'interface'
  | 'setStatus'
  | 'setDisplayName'
  | 'setProfilePicture'
  | 'deleteProfilePicture'
  | 'sendPresenceAvailable'
  | 'sendPresenceUnavailable'
  | 'setAutoDownloadAudio'
  | 'setAutoDownloadDocuments'
  | 'setAutoDownloadPhotos'
  | 'setAutoDownloadVideos'
  | 'setBackgroundSync'
  | 'resetState';

/** A flag option, checked. */
function flagOf(flag: unknown, what: string): boolean {
  if (typeof flag !== 'boolean') throw new InvalidOptionError(`${what} takes true or false`);
  return flag;
}

/** The account's own id, once the client is ready. */
function ownId(client: ModelClient, what: string): string {
  client.readyPage(what);
  const id = client.info?.wid._serialized;
  if (id === undefined) throw new NotReadyError(`${what} needs a client that is ready`);
  return id;
}

export const profileApi: Pick<ProfileApi, Implemented> & ThisType<ModelClient> = {
  get interface(): InterfaceController {
    return interfaceOf(this);
  },

  async setStatus(status: string): Promise<void> {
    if (typeof status !== 'string') throw new InvalidOptionError('status must be a string');
    await this.readyPage('setStatus()').call('setStatus', status);
  },

  async setDisplayName(displayName: string): Promise<boolean> {
    if (typeof displayName !== 'string' || displayName.trim() === '')
      throw new InvalidOptionError('displayName must be a non-empty string');
    return this.readyPage('setDisplayName()').call('setDisplayName', displayName);
  },

  async setProfilePicture(media: MessageMedia): Promise<boolean> {
    const id = ownId(this, 'setProfilePicture()');
    return this.readyPage('setProfilePicture()').call('setPicture', id, pictureOf(media));
  },

  async deleteProfilePicture(): Promise<boolean> {
    const id = ownId(this, 'deleteProfilePicture()');
    return this.readyPage('deleteProfilePicture()').call('deletePicture', id);
  },

  async sendPresenceAvailable(): Promise<void> {
    await this.readyPage('sendPresenceAvailable()').call('presence', true);
  },

  async sendPresenceUnavailable(): Promise<void> {
    await this.readyPage('sendPresenceUnavailable()').call('presence', false);
  },

  async setAutoDownloadAudio(flag: boolean): Promise<void> {
    await this.readyPage('setAutoDownloadAudio()').call('setAutoDownload', 'audio', flagOf(flag, 'setAutoDownloadAudio()'));
  },

  async setAutoDownloadDocuments(flag: boolean): Promise<void> {
    await this.readyPage('setAutoDownloadDocuments()').call('setAutoDownload', 'documents', flagOf(flag, 'setAutoDownloadDocuments()'));
  },

  async setAutoDownloadPhotos(flag: boolean): Promise<void> {
    await this.readyPage('setAutoDownloadPhotos()').call('setAutoDownload', 'photos', flagOf(flag, 'setAutoDownloadPhotos()'));
  },

  async setAutoDownloadVideos(flag: boolean): Promise<void> {
    await this.readyPage('setAutoDownloadVideos()').call('setAutoDownload', 'videos', flagOf(flag, 'setAutoDownloadVideos()'));
  },

  async setBackgroundSync(flag: boolean): Promise<void> {
    const set = await this.readyPage('setBackgroundSync()').call('setBackgroundSync', flagOf(flag, 'setBackgroundSync()'));
    return returnedAsVoid(set);
  },

  async resetState(): Promise<void> {
    await this.readyPage('resetState()').call('reconnect');
  },
};
