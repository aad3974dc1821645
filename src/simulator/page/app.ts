/**
 * The simulated app's engine: the connection to the simulated servers, the
 * Socket state machine, QR drawing, pairing codes, sync, messages and logout.
 */
import QRCode from 'qrcode';
import type { ClientFrame, ServerFrame, SessionInfo } from '../protocol';
import { LEGACY_TOKEN_KEYS, SIM_WS_PATH, type LegacyTokens } from '../protocol';
import { applyAccountFrame, isAccountFrame } from './account-frames';
import { MessageStore } from './message-store';
import { PageStorage, toB64, type StoredKeys } from './storage';
import { CmdModel } from './cmd';
import { CallCollection } from './calls';
import { ReactionStore } from './reactions';
import { PinTable } from './pins';
import { BusinessStore } from './labels';
import { PollVotes } from './polls';
import { ConnModel, OfflineHandler, SocketModel, type AppLink, type MsgModel } from './wa-models';
import { createWid, type Wid } from './wid';

export const DEVICE_PLATFORM = 'CHROME';

export class App implements AppLink {
  readonly socket = new SocketModel(this);
  readonly conn = new ConnModel();
  readonly cmd = new CmdModel(this);
  readonly offline = new OfflineHandler();
  readonly store = new MessageStore(this);
  /** Reactions: `WAWebAddonReactionTableMode` (where received ones are stored) and `WAWebCollections.Reactions`. */
  readonly reactions = new ReactionStore(this.store.msgs, () => this.meUser());
  /** `WAWebPinInChatSchema`: the messages pinned in each chat. */
  readonly pins = new PinTable();
  /** A business account's labels and notes, and business contacts' profiles. */
  readonly business = new BusinessStore(this.store, (frame) => this.send(frame));
  /** Poll votes: `WAWebAddonPollVoteTableMode` (where votes are stored) and `WAWebPollsVotesSchema`. */
  readonly polls = new PollVotes(this);
  /** `WAWebCallCollection`: the calls the account is offered. */
  readonly calls = new CallCollection();
  readonly browserUtils = {
    info: (): Record<string, string> => ({ os: 'Linux', name: 'Chrome', version: '156' }),
  };
  advSecret = randomB64(32);

  #storage: Promise<PageStorage> = PageStorage.open();
  #keys: Promise<StoredKeys> = this.#storage.then((s) => s.keys());
  #ws: WebSocket | undefined;
  #session: SessionInfo | null = null;
  #syncPending = false;
  #frames: Promise<void> = Promise.resolve();
  #pendingCode: ((code: string) => void) | undefined;
  #pendingReqs = new Map<number, (frame: ServerFrame) => void>();
  #reqSeq = 0;
  #reconnectDelay = 250;
  #leaving = false;

  start(): void {
    this.socket.onListen = (ev) => {
      if (ev === 'change:hasSynced') this.#maybeFlipSynced();
    };
    this.socket.set('state', 'OPENING');
    this.#connect();
  }

  reconnect(): void {
    this.#ws?.close();
  }

  send(frame: ClientFrame): void {
    if (this.#ws?.readyState === WebSocket.OPEN) this.#ws.send(JSON.stringify(frame));
  }

  request(frame: ClientFrame & { reqId: number }, timeoutMs: number): Promise<ServerFrame | null> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#pendingReqs.delete(frame.reqId);
        resolve(null);
      }, timeoutMs);
      this.#pendingReqs.set(frame.reqId, (reply) => {
        clearTimeout(timer);
        resolve(reply);
      });
      this.send(frame);
    });
  }

  nextReqId(): number {
    return ++this.#reqSeq;
  }

  /** Logout asked for on this device: tell the server, then leave. */
  async logout(): Promise<void> {
    if (this.#leaving) return;
    const reply = await this.request({ t: 'logout', reqId: this.nextReqId() }, 5000);
    // Only a logout the server confirmed ends the session; otherwise the device is still linked.
    if (reply?.t !== 'logged-out') throw new Error('logout failed: the server did not confirm it');
    // The confirmation is the answer; the app then leaves on its own (wipes its storage, announces the
    // logout, reloads). whatsapp-web.js's logout() closes its browser as soon as this resolves and only
    // expects the page to go later: a page already navigating races its own post-logout re-injection.
    this.#leave('logout').catch((err: unknown) => console.error('simulator page: leaving after the logout failed', err));
  }

  removeMessage(msg: MsgModel): void {
    this.store.msgs.remove(msg.id);
  }

  keys(): Promise<StoredKeys> {
    return this.#keys;
  }

  /** Wipes the session and comes back unpaired, as the real app does after a logout. */
  async #leave(cmdEvent: 'logout' | 'logout_from_bridge'): Promise<void> {
    if (this.#leaving) return;
    this.#leaving = true;
    const storage = await this.#storage;
    await storage.wipe();
    this.cmd.trigger(cmdEvent);
    this.#ws?.close();
    location.href = 'https://web.whatsapp.com/?post_logout=1';
  }

  startAltLinkingFlow(phone: string): Promise<string> {
    return new Promise((resolve) => {
      this.#pendingCode = resolve;
      this.send({ t: 'pair-code', phone });
    });
  }

  meUser(): Wid | undefined {
    return this.#session ? createWid(this.#session.wid) : undefined;
  }

  /** `queryWidExists`: the registered user's wid (and its LID, now known), or `null`. */
  async queryExists(wid: Wid): Promise<{ wid: Wid } | null> {
    const reply = await this.request({ t: 'exists', reqId: this.nextReqId(), number: wid.user }, 15_000);
    if (reply?.t !== 'exists' || !reply.wid || !reply.lid) return null;
    this.store.learn({ wid: reply.wid, lid: reply.lid });
    return { wid: createWid(reply.wid) };
  }

  meLid(): Wid | undefined {
    return this.#session?.lid ? createWid(this.#session.lid) : undefined;
  }

  #connect(): void {
    const ws = new WebSocket(`wss://${location.host}${SIM_WS_PATH}`);
    this.#ws = ws;
    ws.onmessage = (ev) => {
      let frame: ServerFrame;
      try {
        frame = JSON.parse(String(ev.data)) as ServerFrame;
      } catch {
        return;
      }
      // Frames are handled one at a time, in arrival order, like a real socket's message queue.
      this.#frames = this.#frames.then(() => this.#onFrame(frame, ws)).catch((err: unknown) => console.error('simulator page:', err));
    };
    ws.onclose = () => {
      if (this.#ws !== ws || this.#leaving) return;
      const state = this.socket.state;
      if (state === 'CONNECTED') this.socket.set('state', 'TIMEOUT');
      // Reconnect with backoff, as the real app does after a dropped connection.
      setTimeout(() => {
        if (this.#leaving) return;
        if (this.socket.state === 'TIMEOUT') this.socket.set('state', 'OPENING');
        this.#connect();
      }, this.#reconnectDelay);
      this.#reconnectDelay = Math.min(this.#reconnectDelay * 2, 4000);
    };
  }

  /**
   * One frame of socket `origin`. A frame may still be handled after its socket closed and the page
   * reconnected (the frames before it were slow): answers go back on `origin` only, so a reply made
   * for the old connection (a login signed over its nonce) never reaches the new one, and the QR
   * references of a closed connection (released by the server with it) are not shown.
   */
  async #onFrame(frame: ServerFrame, origin: WebSocket): Promise<void> {
    if (isAccountFrame(frame)) return applyAccountFrame(frame, this);
    switch (frame.t) {
      case 'challenge': {
        const storage = await this.#storage;
        const keys = await this.#keys;
        const legacy = legacyTokens();
        if (legacy) {
          // A legacy session: the four tokens, checked by the server (tampered or revoked ones are refused).
          answer(origin, { t: 'legacy-login', tokens: legacy });
          return;
        }
        const session = await storage.session();
        if (session) {
          const signature = await storage.sign(keys, new TextEncoder().encode(frame.nonce));
          answer(origin, { t: 'login', deviceId: session.deviceId, signature: toB64(signature) });
        } else {
          this.#sendPair(origin, keys);
        }
        return;
      }
      case 'login-ok':
      case 'paired': {
        this.#reconnectDelay = 250;
        if (frame.t === 'paired' && frame.legacy) {
          // A legacy account: the session is the four tokens in localStorage, nothing else.
          for (const key of LEGACY_TOKEN_KEYS) localStorage.setItem(key, frame.legacy[key]);
        } else if (frame.t === 'paired') {
          const storage = await this.#storage;
          await storage.saveSession(frame.session);
        }
        if (frame.t === 'paired') {
          // As linked, the device names itself from the app's browser info (whatsapp-web.js's
          // deviceName/browserName replace it): the phone's linked-devices list shows these.
          const { os = '', name = '' } = this.browserUtils.info();
          answer(origin, { t: 'device-props', deviceName: os, browser: name });
        }
        this.#becomeConnected(frame.session, frame.offline);
        return;
      }
      case 'login-rejected': {
        // The stored session is no longer linked: forget it and pair again.
        const storage = await this.#storage;
        await storage.wipe();
        this.#keys = storage.keys();
        this.advSecret = randomB64(32);
        this.#sendPair(origin, await this.#keys);
        return;
      }
      case 'ref': {
        if (origin.readyState !== WebSocket.OPEN) return;
        this.conn.set('ref', frame.ref);
        await this.#drawQr();
        if (this.socket.state !== 'UNPAIRED') this.socket.set('state', 'UNPAIRED');
        return;
      }
      case 'idle':
        if (origin.readyState !== WebSocket.OPEN) return;
        this.socket.set('state', 'UNPAIRED_IDLE');
        return;
      case 'pair-code':
        this.#pendingCode?.(frame.code);
        this.#pendingCode = undefined;
        return;
      case 'offline': {
        this.offline.progress = frame.progress;
        if (frame.msg) this.store.receive(frame.msg, true);
        this.cmd.trigger('offline_progress_update_from_bridge');
        return;
      }
      case 'synced':
        this.offline.progress = 100;
        this.#syncPending = true;
        this.#maybeFlipSynced();
        return;
      case 'sent':
      case 'exists':
      case 'about':
      case 'devices':
      case 'picture':
      case 'group-result':
      case 'call-link':
      case 'newsletter-result':
      case 'order':
        this.#pendingReqs.get(frame.reqId)?.(frame);
        this.#pendingReqs.delete(frame.reqId);
        return;
      case 'conflict':
        this.socket.set('state', 'CONFLICT');
        return;
      case 'takeover-ok':
        this.socket.set('state', 'CONNECTED');
        return;
      case 'logged-out': {
        if (frame.reqId !== undefined) {
          this.#pendingReqs.get(frame.reqId)?.(frame);
          this.#pendingReqs.delete(frame.reqId);
          return;
        }
        await this.#leave('logout_from_bridge');
        return;
      }
      case 'reload':
        // The app's own reload, as the real one does for an update: the page itself reloads (its
        // socket closes with the document) and the new document logs in with the stored session.
        this.#leaving = true;
        location.reload();
        return;
      case 'history': {
        const storage = await this.#storage;
        await storage.appendHistory(frame.seq, frame.chunk);
        answer(origin, { t: 'history-ack', bytes: frame.chunk.length });
        return;
      }
    }
  }

  #sendPair(origin: WebSocket, keys: StoredKeys): void {
    answer(origin, {
      t: 'pair',
      identityPub: toB64(keys.identity.pub),
      noisePub: toB64(keys.noise.pub),
      advSecret: this.advSecret,
      platform: DEVICE_PLATFORM,
      browser: navigator.userAgent,
    });
  }

  #becomeConnected(session: SessionInfo, offline: number): void {
    this.#session = session;
    this.conn.set('wid', session.wid);
    this.conn.set('pushname', session.pushname);
    this.conn.set('platform', session.platform);
    document.querySelector('[data-ref]')?.remove();
    this.offline.progress = offline > 0 ? 0 : 100;
    this.socket.set('state', 'CONNECTED');
  }

  #maybeFlipSynced(): void {
    if (this.#syncPending && this.socket.listenerCount('change:hasSynced') > 0) this.#flipSynced();
  }

  #flipSynced(): void {
    if (!this.#syncPending || this.socket.hasSynced) return;
    this.socket.set('hasSynced', true);
  }

  async #drawQr(): Promise<void> {
    const keys = await this.#keys;
    const ref = this.conn.ref;
    if (ref === undefined) return;
    const text = [ref, toB64(keys.noise.pub), toB64(keys.identity.pub), this.advSecret, DEVICE_PLATFORM].join(',');
    let holder = document.querySelector<HTMLElement>('[data-ref]');
    if (!holder) {
      holder = document.createElement('div');
      holder.appendChild(document.createElement('canvas'));
      document.getElementById('app')?.appendChild(holder);
    }
    holder.setAttribute('data-ref', text);
    const canvas = holder.querySelector('canvas');
    if (canvas) await QRCode.toCanvas(canvas, text, { margin: 2, width: 264 });
  }
}

/** Replies on the socket the frame came from; nothing is sent once it has closed. */
function answer(origin: WebSocket, frame: ClientFrame): void {
  if (origin.readyState === WebSocket.OPEN) origin.send(JSON.stringify(frame));
}

function randomB64(n: number): string {
  return toB64(crypto.getRandomValues(new Uint8Array(n)));
}

/** The legacy session in localStorage, when all four tokens are there. */
function legacyTokens(): LegacyTokens | undefined {
  const values = LEGACY_TOKEN_KEYS.map((key) => localStorage.getItem(key));
  if (values.some((v) => v === null)) return undefined;
  const [WABrowserId, WASecretBundle, WAToken1, WAToken2] = values as string[];
  return { WABrowserId: WABrowserId!, WASecretBundle: WASecretBundle!, WAToken1: WAToken1!, WAToken2: WAToken2! };
}
