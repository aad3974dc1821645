import type { PageChat } from '../../web/bridge';
import { Chat } from './chat';
import type { ModelClient } from './model-client';
import { toWid, type Wid } from './wid';

export interface GroupParticipant {
  id: Wid;
  isAdmin: boolean;
  isSuperAdmin: boolean;
}

/** A group chat (whatsapp-web.js's `GroupChat`) with its metadata. */
export class GroupChat extends Chat {
  /** Who created the group. */
  readonly owner: Wid | undefined;
  readonly description: string;
  readonly createdAt: Date;
  readonly participants: readonly GroupParticipant[];

  constructor(client: ModelClient, data: PageChat) {
    super(client, data);
    const meta = data.groupMetadata;
    this.owner = meta?.owner ? toWid(meta.owner) : undefined;
    this.description = meta?.desc ?? '';
    this.createdAt = new Date((meta?.creation ?? 0) * 1000);
    this.participants = (meta?.participants ?? []).map((p) => ({ id: toWid(p.id), isAdmin: p.isAdmin, isSuperAdmin: p.isSuperAdmin }));
  }
}
