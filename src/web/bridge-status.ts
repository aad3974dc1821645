/**
 * The status calls of the typed bridge (./bridge.ts, the same part): what crosses to post a text or media status,
 * to revoke an own post, and to read the posters' statuses, and the features each call needs. Generic over the
 * message and file types of ./bridge.ts (imported from here, they would make a cycle); it imports nothing.
 */

/** A text status's look: the background as a 32-bit ARGB number, the font (0 to 7). */
export interface PageStatusStyle {
  color: number;
  font: number;
}

/** One poster's status (whatsapp-web.js's `Broadcast`): its live posts, how many, how many unseen, the latest time (seconds). */
export interface PageBroadcast<M> {
  id: string;
  timestamp: number;
  totalCount: number;
  unreadCount: number;
  msgs: M[];
}

/** The page calls for status posts (members of `PageApi`). */
export interface PageStatusApi<M, F> {
  /** Posts a text status; the message the app sent. */
  postStatus(text: string, style: PageStatusStyle): Promise<M>;
  /** Posts an image, video or audio status with an optional caption; the message the app sent. */
  postStatusMedia(media: F, caption?: string): Promise<M>;
  /** Revokes an own status post: `missing` when the device has no such message, `not-own` when it is not one. */
  revokeStatus(messageId: string): Promise<'revoked' | 'missing' | 'not-own'>;
  /** Every poster's status the app has. */
  statuses(): Promise<Array<PageBroadcast<M>>>;
  /** One poster's status, fetched when the app has none loaded; `null` when the app gives none. */
  status(userId: string): Promise<PageBroadcast<M> | null>;
}

/** The features each status call needs (part of `PAGE_API_FEATURES`, which checks them against `PageFeature`). */
export const STATUS_API_FEATURES = {
  postStatus: ['messages', 'chats', 'status'],
  postStatusMedia: ['messages', 'chats', 'media', 'status'],
  revokeStatus: ['messages', 'status'],
  statuses: ['messages', 'status'],
  status: ['messages', 'status'],
} as const;
