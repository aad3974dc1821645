/**
 * The WhatsApp Business modules whatsapp-web.js 1.34.7 calls: whether customer notes are on
 * (`WAWebBizGatingUtils.smbNotesV1Enabled`: on the business app only) and the notes themselves
 * (`WAWebNoteAction`). Labels and business profiles are collections (labels.ts, in `WAWebCollections`).
 */
import type { App } from './app';

/** The platforms of the WhatsApp Business app (Android, iOS), as `Conn.platform` names them. */
const BUSINESS_PLATFORMS = ['smba', 'smbi'];

export function businessModules(app: App): Record<string, unknown> {
  const isBusiness = (): boolean => BUSINESS_PLATFORMS.includes(String(app.conn.platform));
  return {
    WAWebBizGatingUtils: { smbNotesV1Enabled: () => isBusiness() },
    WAWebNoteAction: {
      noteAddAction: async (type: string, chatJid: unknown, content: unknown) => {
        if (!isBusiness()) throw new Error('customer notes are a WhatsApp Business feature');
        if (type !== 'unstructured' || typeof chatJid !== 'string' || typeof content !== 'string')
          throw new Error('noteAddAction: bad arguments');
        return app.business.writeNote(chatJid, content);
      },
      retrieveOnlyNoteForChatJid: async (chatJid: unknown) => (typeof chatJid === 'string' ? app.business.note(chatJid) : null),
    },
  };
}
