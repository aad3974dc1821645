/**
 * The client's LID calls: a user's LID and phone-number id. Installed on `Client`'s prototype (client.ts).
 */
import type { ModelClient } from '../model/model-client';
import { chatIdOf } from '../model/wid';

export interface LidsApi {
  /**
   * Each user's LID (`<lid>@lid`) and phone-number id (`<number>@c.us`), given either: what the page
   * knows (asking the servers for a user it does not), then what the session's LID map kept. A user
   * neither knows gives `{ lid: undefined, pn: undefined }`, as whatsapp-web.js does (its declaration says `string`).
   */
  getContactLidAndPhone(userIds: string | string[]): Promise<Array<{ lid: string; pn: string }>>;
}

export const lidsApi: LidsApi & ThisType<ModelClient & LidsApi> = {
  async getContactLidAndPhone(userIds: string | string[]): Promise<Array<{ lid: string; pn: string }>> {
    const ids = (Array.isArray(userIds) ? userIds : [userIds]).map((id) => chatIdOf(id, 'userIds'));
    const found = await this.readyPage('getContactLidAndPhone()').call('lidAndPhone', ids);
    return found.map((pair, i) => {
      if (pair.lid !== undefined && pair.pn !== undefined) return { lid: pair.lid, pn: pair.pn };
      // The page lost (or never had) the mapping: the asked id itself, completed from the session's map.
      const asked = ids[i] as string;
      const seed = {
        senderLid: pair.lid ?? (asked.endsWith('@lid') ? asked : undefined),
        senderPn: pair.pn ?? (asked.endsWith('@c.us') ? asked : undefined),
      };
      const kept = this.lidMap?.complete(seed);
      if (kept?.senderLid !== undefined && kept.senderPn !== undefined) return { lid: kept.senderLid, pn: kept.senderPn };
      return { lid: pair.lid as string, pn: pair.pn as string };
    });
  },
};
