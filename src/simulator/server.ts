/**
 * The HTTPS server that answers as web.whatsapp.com: it serves the page and
 * accepts the page's same-origin WebSocket, turning each socket into a
 * connection and each message into a frame for the connection handler.
 */
import { randomBytes } from 'node:crypto';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { SimulatorBuilds } from './builds';
import { webWhatsappCertificate } from './cert';
import type { Connection, SimulatorHub } from './hub';
import type { ClientFrame } from './protocol';
import { SIM_WS_PATH } from './protocol';

/** What the server hands each connection's frames and its end to. */
export interface FrameHandler {
  onFrame(conn: Connection, frame: ClientFrame): Promise<void>;
  drop(conn: Connection): void;
}

export class PageServer {
  readonly #hub: SimulatorHub;
  readonly #handler: FrameHandler;
  readonly #wss = new WebSocketServer({ noServer: true });
  #https: HttpsServer | undefined;
  #spkiHash = '';

  constructor(hub: SimulatorHub, handler: FrameHandler) {
    this.#hub = hub;
    this.#handler = handler;
  }

  /** The HTTPS port the page is served on (0 before listening). */
  get port(): number {
    return (this.#https?.address() as AddressInfo | null)?.port ?? 0;
  }

  /** The listening address as Chromium's host resolver rules want it. */
  get mappedHost(): string {
    const host = this.#hub.options.host;
    if (host === 'localhost') return '127.0.0.1';
    return host.includes(':') ? `[${host}]` : host;
  }

  /** The pin of the certificate served (see `spkiHash`); empty before listening. */
  get spkiHash(): string {
    return this.#spkiHash;
  }

  async listen(): Promise<void> {
    const { key, cert, spkiHash } = await webWhatsappCertificate();
    this.#spkiHash = spkiHash;
    const https = createHttpsServer({ key, cert }, (req, res) => {
      if (this.#hub.media.handle(req, res, (req.url ?? '/').split('?')[0] ?? '/') || this.#stalledBoot(req, res)) return;
      serve(this.#hub.builds, req, res);
    });
    this.#https = https;
    https.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const path = (req.url ?? '').split('?')[0];
      if (path !== SIM_WS_PATH) {
        socket.destroy();
        return;
      }
      this.#wss.handleUpgrade(req, socket, head, (ws) => this.#accept(ws));
    });
    const { port, host } = this.#hub.options;
    await new Promise<void>((resolve, reject) => {
      https.once('error', reject);
      https.listen(port, host, () => {
        https.off('error', reject);
        resolve();
      });
    });
  }

  /** Drops live page sockets (all, or those of one phone's devices). The pages reconnect. */
  dropConnections(phone?: string): number {
    let dropped = 0;
    for (const conn of this.#hub.connections) {
      if (phone !== undefined) {
        const found = conn.deviceId ? this.#hub.state.findDevice(conn.deviceId) : undefined;
        if (found?.account.number !== phone) continue;
      }
      conn.ws.terminate();
      dropped++;
    }
    return dropped;
  }

  /** Ends every page connection and stops serving. */
  async close(): Promise<void> {
    for (const conn of this.#hub.connections) {
      this.#handler.drop(conn);
      conn.ws.terminate();
    }
    this.#hub.connections.clear();
    this.#wss.close();
    const https = this.#https;
    if (https?.listening) {
      https.closeAllConnections();
      await new Promise<void>((resolve) => https.close(() => resolve()));
    }
  }

  /**
   * The app-never-boots fault: the page loads (DOMContentLoaded fires) but its app script never
   * arrives, as a stalled bundle download leaves the real app on its loading screen. The held
   * request ends when the page goes or the simulator closes.
   */
  #stalledBoot(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.method !== 'GET') return false;
    if (req.url === STALLED_SCRIPT) return true;
    if ((req.url ?? '/').split('?')[0] !== '/' || this.#hub.stallBoots <= 0) return false;
    this.#hub.stallBoots--;
    res.writeHead(200, { 'cache-control': 'no-store', 'content-type': 'text/html; charset=utf-8' }).end(STALLED_INDEX_HTML);
    return true;
  }

  #accept(ws: WebSocket): void {
    const hub = this.#hub;
    const conn: Connection = {
      id: hub.nextSeq(),
      ws,
      nonce: randomBytes(24).toString('base64'),
      pairing: undefined,
      deviceId: undefined,
      historySent: 0,
      historyAcked: 0,
      historyWaiters: [],
    };
    if (hub.refuse > 0) {
      hub.refuse--;
      ws.close(1013, 'try again later');
      return;
    }
    hub.connections.add(conn);
    ws.on('close', () => this.#handler.drop(conn));
    ws.on('error', () => ws.terminate());
    ws.on('message', (data) => {
      let frame: ClientFrame;
      try {
        frame = JSON.parse(rawText(data)) as ClientFrame;
      } catch {
        return;
      }
      this.#handler.onFrame(conn, frame).catch((err: unknown) => {
        // A page that sends nonsense is dropped, as real servers do.
        hub.emit('rejected', conn.deviceId ?? '', err instanceof Error ? err.message : String(err));
        ws.terminate();
      });
    });
    const delay = hub.delayNextMs;
    hub.delayNextMs = 0;
    hub.later(delay, () => hub.send(conn, { t: 'challenge', nonce: conn.nonce }));
  }
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** `/` is the live build's HTML; each build's app script is served until the build is retired. */
function serve(builds: SimulatorBuilds, req: IncomingMessage, res: ServerResponse): void {
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  const headers = { 'cache-control': 'no-store' };
  const script = path === '/' ? undefined : builds.script(path);
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, headers).end();
  } else if (path === '/') {
    res.writeHead(200, { ...headers, 'content-type': 'text/html; charset=utf-8' }).end(builds.html());
  } else if (script !== undefined) {
    res.writeHead(200, { ...headers, 'content-type': 'text/javascript; charset=utf-8' }).end(script);
  } else {
    res.writeHead(404, headers).end();
  }
}

/** The page of a load that never boots: its app script (loaded async, so the document completes) never comes. */
const STALLED_SCRIPT = '/app.js?stalled=1';
const STALLED_INDEX_HTML = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>WhatsApp</title></head>
<body><div id="app"></div><script async src="${STALLED_SCRIPT}"></script></body>
</html>
`;

/** A WebSocket message's bytes as text, whichever of its forms `ws` handed over. */
function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  return Buffer.from(new Uint8Array(data)).toString('utf8');
}
