/**
 * A local WhatsApp Web: an HTTPS server that answers as web.whatsapp.com (the
 * page plus a same-origin WebSocket to the simulated WhatsApp servers), and a
 * scripted phone that links devices, sends messages and makes trouble on cue.
 */
import { EventEmitter } from 'node:events';
import { createPublicKey, randomBytes, verify } from 'node:crypto';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { webWhatsappCertificate } from './cert';
import { TimeoutError } from '../errors';
import { SimulatorError } from './errors';
import { PAGE_BUNDLE } from './page-bundle.generated';
import type { ClientFrame, ServerFrame, SessionInfo, WireMessage } from './protocol';
import { SIM_WS_PATH } from './protocol';
import { assertPhoneNumber, ServerState, type AccountRecord, type DeviceRecord } from './state';
import { startAdminServer, type AdminServer } from './admin';

export const SIMULATED_HOST = 'web.whatsapp.com';

export interface SimulatorOptions {
  /** HTTPS port for the page. @default 0 (chosen by the OS) */
  port?: number;
  /** Loopback address to listen on. @default '127.0.0.1' */
  host?: string;
  /** Port of the phone/admin HTTP API; `false` starts none. @default 0 */
  adminPort?: number | false;
  /** JSON file that keeps accounts and linked devices across restarts. @default in memory */
  stateFile?: string;
  /** How often the QR reference rotates. @default 20000 */
  refIntervalMs?: number;
  /** How many references a page shows before going to UNPAIRED_IDLE. @default 5 */
  refRotations?: number;
  /** Delay between a login and the end of history sync (`hasSynced`). @default 50 */
  syncDelayMs?: number;
}

/** A device linked to a phone, as the phone API reports it. */
export interface LinkedDevice {
  id: string;
  phone: string;
  platform: string;
  browser: string;
  linkedAt: string;
  lastSeenAt: string | null;
  online: boolean;
}

export interface SimulatorEvents {
  /** A page is showing this QR text (emitted on every rotation). */
  qr: [qrText: string];
  /** A phone linked a new device. */
  linked: [device: LinkedDevice];
  /** A device logged in with its stored session. */
  login: [device: LinkedDevice];
  /** A stored session was rejected. */
  rejected: [deviceId: string, reason: string];
  /** A device sent a message. */
  sent: [phone: string, message: WireMessage];
}

interface Pairing {
  identityPub: string;
  noisePub: string;
  advSecret: string;
  platform: string;
  browser: string;
  ref: string;
  rotations: number;
  timer: NodeJS.Timeout | undefined;
}

interface Connection {
  readonly id: number;
  readonly ws: WebSocket;
  nonce: string;
  pairing: Pairing | undefined;
  deviceId: string | undefined;
  historySent: number;
  historyAcked: number;
  /** Fills waiting until this many history chunks are acknowledged. */
  historyWaiters: Array<{ target: number; resolve: () => void }>;
}

/** Marks a device that is "open elsewhere" (a browser the simulator imagines). */
const ELSEWHERE = Symbol('elsewhere');

export class WhatsAppSimulator extends EventEmitter<SimulatorEvents> {
  #options: Required<Omit<SimulatorOptions, 'stateFile'>> & { stateFile: string | undefined };
  #state: ServerState;
  #https: HttpsServer | undefined;
  #wss: WebSocketServer;
  #admin: AdminServer | undefined;
  #connections = new Set<Connection>();
  #active = new Map<string, Connection | typeof ELSEWHERE>();
  #refs = new Map<string, Connection>();
  #expiredRefs = new Set<string>();
  #codes = new Map<string, { conn: Connection; phone: string }>();
  #timers = new Set<NodeJS.Timeout>();
  #waits = new Set<() => void>();
  #refuse = 0;
  #delayNextMs = 0;
  #seq = 0;
  #closing: Promise<void> | undefined;
  #lastQr: string | undefined;

  private constructor(options: SimulatorOptions, state: ServerState) {
    super();
    this.#options = {
      port: options.port ?? 0,
      host: options.host ?? '127.0.0.1',
      adminPort: options.adminPort ?? 0,
      stateFile: options.stateFile,
      refIntervalMs: options.refIntervalMs ?? 20_000,
      refRotations: options.refRotations ?? 5,
      syncDelayMs: options.syncDelayMs ?? 50,
    };
    this.#state = state;
    this.#wss = new WebSocketServer({ noServer: true });
  }

  /** Starts a simulator. Ports default to ones the OS picks, so several can run at once. */
  static async start(options: SimulatorOptions = {}): Promise<WhatsAppSimulator> {
    const host = options.host ?? '127.0.0.1';
    if (!isLoopback(host)) throw new SimulatorError(400, `the simulator listens on loopback only, got host ${host}`);
    const sim = new WhatsAppSimulator(options, await ServerState.load(options.stateFile));
    try {
      await sim.#listen();
    } catch (err) {
      await sim.close();
      throw err;
    }
    return sim;
  }

  /** The HTTPS port the page is served on. */
  get port(): number {
    return (this.#https?.address() as AddressInfo | null)?.port ?? 0;
  }

  /** The URL pages use. Chromium reaches it through {@link chromiumArgs}. */
  get url(): string {
    return `https://${SIMULATED_HOST}/`;
  }

  /** Base URL of the phone/admin HTTP API, or undefined when started with `adminPort: false`. */
  get adminUrl(): string | undefined {
    return this.#admin?.url;
  }

  /**
   * Chromium flags that send web.whatsapp.com to this simulator and accept its
   * certificate. The last one matters to clients that serve a cached
   * index.html through request interception (whatsapp-web.js does): Chromium
   * counts such a document as public and its Local Network Access checks then
   * block the page's WebSocket to a loopback address. Chromium honours only
   * the last `--disable-features`, so merge it with any list of your own.
   */
  chromiumArgs(): string[] {
    return [
      `--host-resolver-rules=MAP ${SIMULATED_HOST} ${this.#mappedHost()}:${this.port}`,
      '--ignore-certificate-errors',
      '--disable-features=LocalNetworkAccessChecks',
    ];
  }

  #mappedHost(): string {
    const host = this.#options.host;
    if (host === 'localhost') return '127.0.0.1';
    return host.includes(':') ? `[${host}]` : host;
  }

  /** The phone that owns `number` (its account is created on first use). */
  phone(number: string, options: { pushname?: string } = {}): SimulatedPhone {
    assertPhoneNumber(number);
    if (options.pushname !== undefined) this.#state.account(number, options.pushname);
    return new SimulatedPhone(this, number);
  }

  /** QR texts currently on screen in pages waiting to be linked, newest first. */
  pendingQrCodes(): string[] {
    const out: string[] = [];
    for (const conn of this.#connections) {
      if (conn.pairing && conn.pairing.timer !== undefined) out.push(qrText(conn.pairing));
    }
    return out.reverse();
  }

  /** Resolves with the next QR shown (or the newest one on screen). */
  waitForQr(options: { timeoutMs?: number; fresh?: boolean } = {}): Promise<string> {
    const current = this.pendingQrCodes()[0];
    if (current !== undefined && !options.fresh) return Promise.resolve(current);
    return new Promise((resolve, reject) => {
      const finish = (): void => {
        clearTimeout(timer);
        this.#waits.delete(cancel);
        this.off('qr', onQr);
      };
      const timer = setTimeout(() => {
        finish();
        reject(new TimeoutError(`no QR was shown within ${options.timeoutMs ?? 30_000} ms (timeoutMs)`));
      }, options.timeoutMs ?? 30_000);
      const onQr = (qr: string): void => {
        finish();
        resolve(qr);
      };
      // close() ends the wait, so no timer outlives the simulator.
      const cancel = (): void => {
        finish();
        reject(new SimulatorError(409, 'the simulator was closed while waiting for a QR'));
      };
      this.#waits.add(cancel);
      this.once('qr', onQr);
    });
  }

  /** Refuses the next `count` page connections (the page retries, as the real app does). */
  refuseNextConnections(count = 1): void {
    this.#refuse += count;
  }

  /** Holds the next page connection for `ms` before answering it. */
  delayNextConnection(ms: number): void {
    this.#delayNextMs = ms;
  }

  /** Drops live page sockets (all, or those of one phone's devices). The pages reconnect. */
  dropConnections(phone?: string): number {
    let dropped = 0;
    for (const conn of this.#connections) {
      if (phone !== undefined) {
        const found = conn.deviceId ? this.#state.findDevice(conn.deviceId) : undefined;
        if (found?.account.number !== phone) continue;
      }
      conn.ws.terminate();
      dropped++;
    }
    return dropped;
  }

  /** Stops everything the simulator started. Safe to call more than once. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  // ------------------------------------------------------------ phone side (used by SimulatedPhone)

  /** @internal An existing account, or an empty view of one that has linked nothing yet. */
  _account(number: string): AccountRecord {
    return this.#state.peek(number) ?? { number, pushname: '', devices: [], sent: [], offline: {} };
  }

  #device(number: string, deviceId: unknown): { account: AccountRecord; device: DeviceRecord } {
    const account = this.#state.peek(number);
    const device = account?.devices.find((d) => d.id === deviceId);
    if (!account || !device) throw new SimulatorError(404, `phone ${number} has no linked device ${String(deviceId)}`);
    return { account, device };
  }

  /** @internal */
  _describe(account: AccountRecord, device: DeviceRecord): LinkedDevice {
    const active = this.#active.get(device.id);
    return {
      id: device.id,
      phone: account.number,
      platform: device.platform,
      browser: device.browser,
      linkedAt: device.linkedAt,
      lastSeenAt: device.lastSeenAt,
      online: active !== undefined && active !== ELSEWHERE,
    };
  }

  /** @internal */
  async _scan(number: string, text: unknown): Promise<LinkedDevice> {
    const fields = parseQrText(text);
    const conn = this.#refs.get(fields.ref);
    if (!conn || !conn.pairing) {
      if (this.#expiredRefs.has(fields.ref)) throw new SimulatorError(410, 'this QR code has expired: scan the one on screen now');
      throw new SimulatorError(404, 'no page is showing this QR code');
    }
    const p = conn.pairing;
    if (p.noisePub !== fields.noisePub || p.identityPub !== fields.identityPub || p.advSecret !== fields.advSecret) {
      throw new SimulatorError(400, 'QR code keys do not match the page that shows this reference');
    }
    return this.#link(conn, number);
  }

  /** @internal */
  async _pairWithCode(number: string, code: unknown): Promise<LinkedDevice> {
    if (typeof code !== 'string' || !/^[A-Z0-9]{8}$/.test(code.replace('-', ''))) {
      throw new SimulatorError(400, 'a pairing code is 8 letters or digits');
    }
    const pending = this.#codes.get(code.replace('-', ''));
    if (!pending || !pending.conn.pairing) throw new SimulatorError(404, 'no page is waiting for this pairing code');
    if (pending.phone !== number) throw new SimulatorError(409, `this code was requested for phone ${pending.phone}, not ${number}`);
    return this.#link(pending.conn, number);
  }

  /** @internal */
  async _unlink(number: string, deviceId: unknown): Promise<void> {
    const { account, device } = this.#device(number, deviceId);
    account.devices.splice(account.devices.indexOf(device), 1);
    delete account.offline[device.id];
    await this.#state.save();
    for (const conn of this.#connections) {
      if (conn.deviceId === device.id) {
        this.#send(conn, { t: 'logged-out' });
        conn.deviceId = undefined;
      }
    }
    this.#active.delete(device.id);
  }

  /** @internal */
  async _deliver(number: string, from: unknown, body: unknown): Promise<WireMessage> {
    if (typeof body !== 'string' || body.length === 0) throw new SimulatorError(400, 'message body must be a non-empty string');
    const sender = assertPhoneNumber(typeof from === 'string' ? from.replace(/@c\.us$/, '') : from);
    const account = this.#state.peek(number);
    if (!account || account.devices.length === 0) throw new SimulatorError(409, `phone ${number} has no linked device to deliver to`);
    const msg: WireMessage = {
      id: `SIM${(++this.#seq).toString(16).toUpperCase()}${randomBytes(4).toString('hex').toUpperCase()}`,
      chatId: `${sender}@c.us`,
      from: `${sender}@c.us`,
      to: `${number}@c.us`,
      body,
      t: Math.floor(Date.now() / 1000),
      fromMe: false,
    };
    let queued = false;
    for (const device of account.devices) {
      const conn = this.#active.get(device.id);
      if (conn && conn !== ELSEWHERE && conn.ws.readyState === conn.ws.OPEN) {
        this.#send(conn, { t: 'msg', msg });
      } else {
        (account.offline[device.id] ??= []).push(msg);
        queued = true;
      }
    }
    if (queued) await this.#state.save();
    return msg;
  }

  /** @internal */
  async _queueOffline(number: string, deviceId: unknown, count: unknown): Promise<number> {
    const { account, device } = this.#device(number, deviceId);
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > 10_000) {
      throw new SimulatorError(400, 'count must be an integer from 1 to 10000');
    }
    const queue = (account.offline[device.id] ??= []);
    for (let i = 0; i < count; i++) {
      queue.push({
        id: `OFF${(++this.#seq).toString(16).toUpperCase()}`,
        chatId: `${contactFor(i)}@c.us`,
        from: `${contactFor(i)}@c.us`,
        to: `${number}@c.us`,
        body: `offline message ${i + 1} of ${count}`,
        t: Math.floor(Date.now() / 1000),
        fromMe: false,
      });
    }
    await this.#state.save();
    return queue.length;
  }

  /** @internal */
  _openElsewhere(number: string, deviceId: unknown): void {
    const { device } = this.#device(number, deviceId);
    const active = this.#active.get(device.id);
    if (active && active !== ELSEWHERE) this.#send(active, { t: 'conflict' });
    this.#active.set(device.id, ELSEWHERE);
  }

  /** @internal */
  async _fillHistory(number: string, deviceId: unknown, bytes: unknown): Promise<number> {
    const { device } = this.#device(number, deviceId);
    if (typeof bytes !== 'number' || !Number.isInteger(bytes) || bytes < 1 || bytes > 1024 * 1024 * 1024) {
      throw new SimulatorError(400, 'bytes must be an integer from 1 to 1 GiB');
    }
    const conn = this.#active.get(device.id);
    if (!conn || conn === ELSEWHERE) throw new SimulatorError(409, `device ${device.id} is not online`);
    const chunkSize = 256 * 1024;
    const chunks = Math.ceil(bytes / chunkSize);
    const first = conn.historySent;
    conn.historySent += chunks;
    const done = new Promise<void>((resolve, reject) => {
      const onClose = (): void => reject(new SimulatorError(409, `device ${device.id} went offline during the history fill`));
      conn.ws.once('close', onClose);
      conn.historyWaiters.push({
        target: first + chunks,
        resolve: () => {
          conn.ws.off('close', onClose);
          resolve();
        },
      });
    });
    for (let i = 0; i < chunks; i++) {
      const size = Math.min(chunkSize, bytes - i * chunkSize);
      // Random base64 text: it compresses like real encrypted history, i.e. barely.
      const chunk = randomBytes(Math.ceil((size * 3) / 4))
        .toString('base64')
        .slice(0, size);
      this.#send(conn, { t: 'history', seq: first + i, chunk, last: i === chunks - 1 });
    }
    await done;
    return chunks;
  }

  // ------------------------------------------------------------ internals

  async #listen(): Promise<void> {
    const { key, cert } = await webWhatsappCertificate();
    const https = createHttpsServer({ key, cert }, (req, res) => this.#serve(req, res));
    this.#https = https;
    https.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const path = (req.url ?? '').split('?')[0];
      if (path !== SIM_WS_PATH) {
        socket.destroy();
        return;
      }
      this.#wss.handleUpgrade(req, socket, head, (ws) => this.#accept(ws));
    });
    await new Promise<void>((resolve, reject) => {
      https.once('error', reject);
      https.listen(this.#options.port, this.#options.host, () => {
        https.off('error', reject);
        resolve();
      });
    });
    if (this.#options.adminPort !== false) {
      this.#admin = await startAdminServer(this, this.#options.host, this.#options.adminPort);
    }
  }

  #serve(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0];
    const headers = { 'cache-control': 'no-store' };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, headers).end();
    } else if (path === '/') {
      res.writeHead(200, { ...headers, 'content-type': 'text/html; charset=utf-8' }).end(INDEX_HTML);
    } else if (path === '/app.js') {
      res.writeHead(200, { ...headers, 'content-type': 'text/javascript; charset=utf-8' }).end(PAGE_BUNDLE);
    } else {
      res.writeHead(404, headers).end();
    }
  }

  #accept(ws: WebSocket): void {
    const conn: Connection = {
      id: ++this.#seq,
      ws,
      nonce: randomBytes(24).toString('base64'),
      pairing: undefined,
      deviceId: undefined,
      historySent: 0,
      historyAcked: 0,
      historyWaiters: [],
    };
    if (this.#refuse > 0) {
      this.#refuse--;
      ws.close(1013, 'try again later');
      return;
    }
    this.#connections.add(conn);
    ws.on('close', () => this.#drop(conn));
    ws.on('error', () => ws.terminate());
    ws.on('message', (data) => {
      let frame: ClientFrame;
      try {
        frame = JSON.parse(rawText(data)) as ClientFrame;
      } catch {
        return;
      }
      this.#onFrame(conn, frame).catch((err: unknown) => {
        // A page that sends nonsense is dropped, as real servers do.
        this.emit('rejected', conn.deviceId ?? '', err instanceof Error ? err.message : String(err));
        ws.terminate();
      });
    });
    const delay = this.#delayNextMs;
    this.#delayNextMs = 0;
    this.#later(delay, () => this.#send(conn, { t: 'challenge', nonce: conn.nonce }));
  }

  async #onFrame(conn: Connection, frame: ClientFrame): Promise<void> {
    switch (frame.t) {
      case 'login':
        return this.#login(conn, frame.deviceId, frame.signature);
      case 'pair':
        conn.pairing = {
          identityPub: String(frame.identityPub),
          noisePub: String(frame.noisePub),
          advSecret: String(frame.advSecret),
          platform: String(frame.platform),
          browser: String(frame.browser),
          ref: '',
          rotations: 0,
          timer: undefined,
        };
        this.#startRefs(conn);
        return;
      case 'refresh-qr':
        if (conn.pairing && conn.pairing.timer === undefined) this.#startRefs(conn);
        return;
      case 'pair-code': {
        if (!conn.pairing) return;
        const phone = String(frame.phone).replace(/[^0-9]/g, '');
        const code = randomCode();
        this.#codes.set(code, { conn, phone });
        this.#send(conn, { t: 'pair-code', code });
        return;
      }
      case 'takeover': {
        if (!conn.deviceId) return;
        const active = this.#active.get(conn.deviceId);
        if (active && active !== ELSEWHERE && active !== conn) this.#send(active, { t: 'conflict' });
        this.#active.set(conn.deviceId, conn);
        this.#send(conn, { t: 'takeover-ok' });
        return;
      }
      case 'logout': {
        const deviceId = conn.deviceId;
        // This page gets its answer below; only the device's other pages get a
        // logout "from the bridge" (the phone), which fires a different Cmd event.
        conn.deviceId = undefined;
        if (deviceId) {
          const found = this.#state.findDevice(deviceId);
          if (found) await this._unlink(found.account.number, deviceId);
        }
        this.#send(conn, { t: 'logged-out', reqId: frame.reqId });
        return;
      }
      case 'send':
        return this.#sendFromDevice(conn, frame.reqId, frame.to, frame.body);
      case 'history-ack':
        conn.historyAcked++;
        for (const waiter of conn.historyWaiters.filter((w) => conn.historyAcked >= w.target)) {
          conn.historyWaiters.splice(conn.historyWaiters.indexOf(waiter), 1);
          waiter.resolve();
        }
        return;
    }
  }

  async #login(conn: Connection, deviceId: string, signature: string): Promise<void> {
    const found = this.#state.findDevice(String(deviceId));
    if (!found) {
      this.#send(conn, { t: 'login-rejected', reason: 'unlinked' });
      this.emit('rejected', String(deviceId), 'unlinked');
      return;
    }
    const { account, device } = found;
    const key = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(device.identityPub, 'base64').toString('base64url') },
      format: 'jwk',
    });
    let valid = false;
    try {
      valid = verify(null, Buffer.from(conn.nonce), key, Buffer.from(String(signature), 'base64'));
    } catch {
      valid = false;
    }
    if (!valid) {
      this.#send(conn, { t: 'login-rejected', reason: 'bad-signature' });
      this.emit('rejected', device.id, 'bad-signature');
      return;
    }
    const previous = this.#active.get(device.id);
    if (previous && previous !== ELSEWHERE && previous !== conn) this.#send(previous, { t: 'conflict' });
    conn.deviceId = device.id;
    this.#active.set(device.id, conn);
    device.lastSeenAt = new Date().toISOString();
    await this.#state.save();
    const offline = account.offline[device.id] ?? [];
    this.#send(conn, { t: 'login-ok', session: sessionInfo(account, device), offline: offline.length });
    this.emit('login', this._describe(account, device));
    await this.#deliverOffline(conn, account, device);
  }

  async #link(conn: Connection, number: string): Promise<LinkedDevice> {
    const p = conn.pairing;
    if (!p) throw new SimulatorError(409, 'the page is no longer waiting to be linked');
    this.#stopRefs(conn);
    for (const [code, pending] of this.#codes) if (pending.conn === conn) this.#codes.delete(code);
    conn.pairing = undefined;
    const account = this.#state.account(number);
    const now = new Date().toISOString();
    const device: DeviceRecord = {
      id: this.#state.newDeviceId(),
      identityPub: p.identityPub,
      noisePub: p.noisePub,
      platform: p.platform,
      browser: p.browser,
      linkedAt: now,
      lastSeenAt: now,
    };
    account.devices.push(device);
    conn.deviceId = device.id;
    this.#active.set(device.id, conn);
    await this.#state.save();
    this.#send(conn, { t: 'paired', session: sessionInfo(account, device), offline: 0 });
    const described = this._describe(account, device);
    this.emit('linked', described);
    await this.#deliverOffline(conn, account, device);
    return described;
  }

  async #deliverOffline(conn: Connection, account: AccountRecord, device: DeviceRecord): Promise<void> {
    const queue = account.offline[device.id] ?? [];
    if (queue.length > 0) {
      delete account.offline[device.id];
      await this.#state.save();
      queue.forEach((msg, i) => {
        this.#send(conn, { t: 'offline', progress: Math.round(((i + 1) / queue.length) * 100), msg });
      });
    }
    this.#later(this.#options.syncDelayMs, () => this.#send(conn, { t: 'synced' }));
  }

  async #sendFromDevice(conn: Connection, reqId: number, to: string, body: string): Promise<void> {
    const found = conn.deviceId ? this.#state.findDevice(conn.deviceId) : undefined;
    if (!found || this.#active.get(found.device.id) !== conn) return;
    const chatId = String(to).includes('@') ? String(to) : `${String(to)}@c.us`;
    const msg: WireMessage = {
      id: `3EB0${randomBytes(8).toString('hex').toUpperCase()}`,
      chatId,
      from: `${found.account.number}@c.us`,
      to: chatId,
      body: String(body),
      t: Math.floor(Date.now() / 1000),
      fromMe: true,
    };
    found.account.sent.push(msg);
    await this.#state.save();
    this.#send(conn, { t: 'sent', reqId, msg });
    this.emit('sent', found.account.number, msg);
  }

  #startRefs(conn: Connection): void {
    const p = conn.pairing;
    if (!p) return;
    p.rotations = 0;
    const rotate = (): void => {
      if (p.ref) {
        this.#refs.delete(p.ref);
        this.#expire(p.ref);
      }
      if (p.rotations >= this.#options.refRotations) {
        this.#stopRefs(conn);
        this.#send(conn, { t: 'idle' });
        return;
      }
      p.rotations++;
      p.ref = `2@${randomBytes(36).toString('base64')}`;
      this.#refs.set(p.ref, conn);
      this.#send(conn, { t: 'ref', ref: p.ref });
      this.#lastQr = qrText(p);
      this.emit('qr', this.#lastQr);
    };
    rotate();
    p.timer = setInterval(rotate, this.#options.refIntervalMs);
  }

  #stopRefs(conn: Connection): void {
    const p = conn.pairing;
    if (!p) return;
    if (p.timer !== undefined) clearInterval(p.timer);
    p.timer = undefined;
    if (p.ref) {
      this.#refs.delete(p.ref);
      this.#expire(p.ref);
      p.ref = '';
    }
  }

  /** Remembers a rotated-out ref (to answer 410 rather than 404), keeping only the newest ones. */
  #expire(ref: string): void {
    this.#expiredRefs.add(ref);
    if (this.#expiredRefs.size > 1000) {
      const oldest = this.#expiredRefs.values().next().value;
      if (oldest !== undefined) this.#expiredRefs.delete(oldest);
    }
  }

  #drop(conn: Connection): void {
    this.#stopRefs(conn);
    for (const [code, pending] of this.#codes) if (pending.conn === conn) this.#codes.delete(code);
    this.#connections.delete(conn);
    if (conn.deviceId && this.#active.get(conn.deviceId) === conn) this.#active.delete(conn.deviceId);
  }

  #send(conn: Connection, frame: ServerFrame): void {
    if (conn.ws.readyState === conn.ws.OPEN) conn.ws.send(JSON.stringify(frame));
  }

  #later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      fn();
    }, ms);
    this.#timers.add(timer);
  }

  async #close(): Promise<void> {
    for (const cancel of [...this.#waits]) cancel();
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    for (const conn of this.#connections) {
      this.#stopRefs(conn);
      conn.ws.terminate();
    }
    this.#connections.clear();
    this.#wss.close();
    const https = this.#https;
    if (https?.listening) {
      https.closeAllConnections();
      await new Promise<void>((resolve) => https.close(() => resolve()));
    }
    await this.#admin?.close();
    await this.#state.save();
  }
}

/** A phone: links devices, sends messages to them, reads what they sent. */
export class SimulatedPhone {
  constructor(
    private readonly sim: WhatsAppSimulator,
    readonly number: string,
  ) {}

  /** Scans a QR text shown by a page (the five comma-separated fields) and links that page. */
  scan(qrText: string): Promise<LinkedDevice> {
    return this.sim._scan(this.number, qrText);
  }

  /** Enters a pairing code that a page requested for this phone number. */
  pairWithCode(code: string): Promise<LinkedDevice> {
    return this.sim._pairWithCode(this.number, code);
  }

  devices(): LinkedDevice[] {
    const account = this.sim._account(this.number);
    return account.devices.map((d) => this.sim._describe(account, d));
  }

  /** Unlinks a device: online, its page is logged out; offline, its next login is rejected. */
  unlink(deviceId: string): Promise<void> {
    return this.sim._unlink(this.number, deviceId);
  }

  /** A contact (`from`, a phone number) sends a text to this account; every linked device gets it. */
  receiveText(from: string, body: string): Promise<WireMessage> {
    return this.sim._deliver(this.number, from, body);
  }

  /** Messages this account's devices sent, oldest first. */
  sentMessages(): WireMessage[] {
    return [...this.sim._account(this.number).sent];
  }

  /** Queues `count` messages for an offline device; its next login shows offline progress. */
  queueOfflineMessages(deviceId: string, count: number): Promise<number> {
    return this.sim._queueOffline(this.number, deviceId, count);
  }

  /** Opens the device's session "in another browser": the page sees CONFLICT. */
  openElsewhere(deviceId: string): void {
    this.sim._openElsewhere(this.number, deviceId);
  }

  /** Sends `bytes` of history to an online device, which stores it in IndexedDB. */
  fillHistory(deviceId: string, bytes: number): Promise<number> {
    return this.sim._fillHistory(this.number, deviceId, bytes);
  }
}

interface QrFields {
  ref: string;
  noisePub: string;
  identityPub: string;
  advSecret: string;
  platform: string;
}

function qrText(p: Pairing): string {
  return [p.ref, p.noisePub, p.identityPub, p.advSecret, p.platform].join(',');
}

export function parseQrText(text: unknown): QrFields {
  if (typeof text !== 'string') throw new SimulatorError(400, 'QR text must be a string');
  const parts = text.split(',');
  if (parts.length !== 5 || parts.some((p) => p.length === 0)) {
    throw new SimulatorError(400, 'QR text must have five comma-separated fields: ref,noiseKey,identityKey,advSecret,platform');
  }
  const [ref = '', noisePub = '', identityPub = '', advSecret = '', platform = ''] = parts;
  for (const [name, value] of [
    ['noise key', noisePub],
    ['identity key', identityPub],
  ] as const) {
    if (Buffer.from(value, 'base64').length !== 32) throw new SimulatorError(400, `QR ${name} is not a base64 32-byte public key`);
  }
  return { ref, noisePub, identityPub, advSecret, platform };
}

function sessionInfo(account: AccountRecord, device: DeviceRecord): SessionInfo {
  return {
    deviceId: device.id,
    wid: { server: 'c.us', user: account.number, _serialized: `${account.number}@c.us` },
    pushname: account.pushname,
    platform: 'android',
  };
}

function randomCode(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTVWXYZ0123456789';
  const bytes = randomBytes(8);
  return [...bytes].map((b) => alphabet[b % alphabet.length]).join('');
}

function contactFor(i: number): string {
  return String(15550100000 + (i % 7));
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

const INDEX_HTML = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>WhatsApp</title></head>
<body><div id="app"></div><script src="/app.js"></script></body>
</html>
`;

/** A WebSocket message's bytes as text, whichever of its forms `ws` handed over. */
function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  return Buffer.from(new Uint8Array(data)).toString('utf8');
}
