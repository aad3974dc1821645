/**
 * Profile pictures: an account's own (`<number>@c.us`) and its groups', set and deleted by its phone
 * or its devices (a group's only by its admins), asked for by any device. The bytes live on the media
 * server under `/pp/` (in memory, as media does); a device gets the URL (`eurl`).
 */
import { randomBytes } from 'node:crypto';
import { SimulatorError } from './errors';
import type { Connection, SimulatorHub } from './hub';
import type { ClientFrame } from './protocol';
import { SIMULATED_HOST } from './types';

/** The largest picture accepted, as base64 or bytes (the app sends 640 px JPEGs). */
const MAX_PICTURE_BYTES = 2 * 1024 * 1024;

export interface ProfilePicture {
  id: string;
  /** Where a page fetches it. */
  url: string;
  bytes: Buffer;
}

export class PictureOperations {
  /** `onGroupPicture`: a member changed a group's picture (the members are told). */
  constructor(
    private readonly hub: SimulatorHub,
    private readonly onGroupPicture?: (number: string, groupId: string) => Promise<unknown>,
  ) {}

  /** The picture of `chatId`, or undefined. */
  get(chatId: string): ProfilePicture | undefined {
    const found = this.hub.pictures.get(chatId);
    const bytes = found && this.hub.media.picture(found.path);
    return found && bytes ? { id: found.id, url: `https://${SIMULATED_HOST}${found.path}`, bytes: Buffer.from(bytes) } : undefined;
  }

  /** Sets the picture of `chatId` (JPEG bytes), replacing any before. */
  set(chatId: string, jpeg: Buffer): ProfilePicture {
    if (jpeg.length === 0 || jpeg.length > MAX_PICTURE_BYTES) throw new SimulatorError(400, 'a picture is 1 byte to 2 MiB of JPEG');
    this.remove(chatId);
    const path = this.hub.media.putPicture(jpeg);
    this.hub.pictures.set(chatId, { id: randomBytes(8).toString('hex'), path });
    return this.get(chatId) as ProfilePicture;
  }

  /** Deletes the picture of `chatId`; false when there was none. */
  remove(chatId: string): boolean {
    const found = this.hub.pictures.get(chatId);
    if (!found) return false;
    this.hub.media.dropPicture(found.path);
    this.hub.pictures.delete(chatId);
    return true;
  }

  /** A device asks for a picture, sets or deletes one. */
  async onDeviceFrame(
    conn: Connection,
    frame: Extract<ClientFrame, { t: 'picture' } | { t: 'set-picture' } | { t: 'delete-picture' }>,
  ): Promise<void> {
    const found = conn.deviceId ? this.hub.state.findDevice(conn.deviceId) : undefined;
    if (!found || typeof frame.chatId !== 'string') return;
    const answer = (status: number, picture?: ProfilePicture): void =>
      this.hub.send(conn, { t: 'picture', reqId: frame.reqId, status, ...(picture ? { eurl: picture.url, id: picture.id } : {}) });
    if (frame.t === 'picture') {
      const picture = this.get(frame.chatId);
      return answer(picture ? 200 : 404, picture);
    }
    // Its own picture, or a group's it administers.
    const number = found.account.number;
    const group = this.hub.state.groups.get(frame.chatId);
    const allowed = frame.chatId === `${number}@c.us` || group?.participants.some((p) => p.id === `${number}@c.us` && p.isAdmin) === true;
    if (!allowed) return answer(401);
    if (frame.t === 'delete-picture') {
      const removed = this.remove(frame.chatId);
      answer(removed ? 200 : 404);
      if (removed && group) await this.onGroupPicture?.(number, group.id);
      return;
    }
    if (typeof frame.full !== 'string' || frame.full.length > (MAX_PICTURE_BYTES * 4) / 3 + 4) return answer(400);
    let picture: ProfilePicture;
    try {
      picture = this.set(frame.chatId, Buffer.from(frame.full, 'base64'));
    } catch {
      return answer(400);
    }
    answer(200, picture);
    if (group) await this.onGroupPicture?.(number, group.id);
  }
}
