/**
 * Messages between the simulated WhatsApp Web page and the simulated WhatsApp
 * servers, over the page's same-origin WebSocket (`wss://web.whatsapp.com/ws`).
 * Types only: imported by the page bundle and by the Node server.
 */

export interface WireWid {
  server: string;
  user: string;
  _serialized: string;
}

export interface WireMessage {
  /** Message id, unique per account. */
  id: string;
  /** Chat the message belongs to, e.g. `15550001111@c.us`. */
  chatId: string;
  from: string;
  to: string;
  body: string;
  /** Seconds since the epoch. */
  t: number;
  fromMe: boolean;
}

export interface SessionInfo {
  deviceId: string;
  wid: WireWid;
  pushname: string;
  platform: string;
}

/** Page → server. */
export type ClientFrame =
  | { t: 'login'; deviceId: string; signature: string }
  | { t: 'pair'; identityPub: string; noisePub: string; advSecret: string; platform: string; browser: string }
  | { t: 'refresh-qr' }
  | { t: 'pair-code'; phone: string }
  | { t: 'takeover' }
  | { t: 'logout'; reqId: number }
  | { t: 'send'; reqId: number; to: string; body: string; quotedId?: string }
  | { t: 'history-ack'; bytes: number };

/** Server → page. */
export type ServerFrame =
  | { t: 'challenge'; nonce: string }
  | { t: 'login-ok'; session: SessionInfo; offline: number }
  | { t: 'login-rejected'; reason: 'unlinked' | 'bad-signature' | 'unknown-device' }
  | { t: 'ref'; ref: string }
  | { t: 'idle' }
  | { t: 'pair-code'; code: string }
  | { t: 'paired'; session: SessionInfo; offline: number }
  | { t: 'offline'; progress: number; msg?: WireMessage }
  | { t: 'synced' }
  | { t: 'msg'; msg: WireMessage }
  | { t: 'sent'; reqId: number; msg: WireMessage }
  | { t: 'conflict' }
  | { t: 'takeover-ok' }
  | { t: 'logged-out'; reqId?: number }
  | { t: 'history'; chunk: string; seq: number; last: boolean };

export const SIM_WS_PATH = '/ws';
