/** For the dashboard's tests: a SessionManager-shaped fake (sessions and leases set by hand, actions recorded) and one request. */
import { request, type IncomingMessage } from 'node:http';
import { request as tlsRequest } from 'node:https';
import type { PeerCertificate, TLSSocket } from 'node:tls';
import { SessionExistsError } from '../../src/index';
import type { LeaseRecord, ManagedSessionInfo, SessionManagerEvents } from '../../src/manager/index';
import type { Dashboard, DashboardManager } from '../../src/serve/index';
import { TypedEmitter } from '../../src/util/typed-emitter';

export class FakeManager extends TypedEmitter<SessionManagerEvents> implements DashboardManager {
  readonly workerId = 'worker-a';
  sessions: ManagedSessionInfo[] = [];
  leaseRecords: LeaseRecord[] = [];
  readonly calls: string[] = [];
  pairingError: Error | undefined;
  /** Sessions whose folder or store holds a session: a pairing code only when forced, as the real manager's client. */
  readonly holding = new Set<string>();

  list(): ManagedSessionInfo[] {
    return this.sessions.map((s) => ({ ...s }));
  }
  async leases(): Promise<LeaseRecord[]> {
    return this.leaseRecords;
  }
  async restart(id: string): Promise<void> {
    this.calls.push(`restart ${id}`);
  }
  async logout(id: string): Promise<void> {
    this.calls.push(`logout ${id}`);
  }
  async requestPairingCode(id: string, phone: string, options: { force?: boolean } = {}): Promise<string> {
    this.calls.push(`pairing-code ${id} ${phone}${options.force === true ? ' force' : ''}`);
    if (this.pairingError) throw this.pairingError;
    if (this.holding.has(id) && options.force !== true) throw new SessionExistsError(`session ${id} holds a session`);
    return 'ABCD-1234';
  }
  browserPids(): Array<{ id: string; pid: number }> {
    return [{ id: 'alpha', pid: process.pid }];
  }
  /** Backups in the store, by session (what `lastBackup` reads). */
  readonly backups = new Map<string, { at: Date; generation: number; bytes: number }>();
  async lastBackup(id: string): Promise<{ at: Date; generation: number; bytes: number } | null> {
    this.calls.push(`lastBackup ${id}`);
    return this.backups.get(id) ?? null;
  }
  fire<K extends keyof SessionManagerEvents & string>(event: K, ...args: SessionManagerEvents[K]): void {
    this.emit(event, ...args);
  }
  /** Changes one session and reports it, as the real manager does. */
  set(id: string, change: Partial<ManagedSessionInfo>): void {
    const s = this.sessions.find((x) => x.id === id) as ManagedSessionInfo;
    Object.assign(s, change);
    this.fire('session.state', { ...s });
  }
}

export function info(id: string, state: ManagedSessionInfo['state'], extra: Partial<ManagedSessionInfo> = {}): ManagedSessionInfo {
  return {
    id,
    state,
    worker: 'worker-a',
    since: new Date('2026-01-02T03:04:05Z'),
    qr: null,
    pairingCode: null,
    lastSave: null,
    restarts: 0,
    leaseToken: null,
    lastError: null,
    startFailures: 0,
    nextStartAt: null,
    meter: null,
    ...extra,
  };
}

export interface Reply {
  status: number;
  headers: IncomingMessage['headers'];
  text: string;
  json: any;
  /** The server's certificate, over HTTPS. */
  peer: PeerCertificate | null;
}

export interface CallInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Over HTTPS: the certificate to trust (PEM). */
  ca?: string | Buffer;
  /** Over HTTPS: accept any certificate (the test checks `peer` itself). */
  anyCertificate?: boolean;
}

/** One HTTP(S) request (no redirects followed), with the answer read whole. */
export function call(dashboard: Pick<Dashboard, 'url'>, path: string, init: CallInit = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const url = `${dashboard.url}${path}`;
    // A connection per request: a pooled one may belong to a dashboard a test has just closed.
    const options = { method: init.method ?? 'GET', headers: init.headers ?? {}, agent: false };
    const onReply = (res: IncomingMessage): void => {
      const chunks: Buffer[] = [];
      const socket = res.socket as TLSSocket;
      const peer = typeof socket.getPeerCertificate === 'function' ? socket.getPeerCertificate() : null;
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json, peer });
      });
      res.on('error', reject);
    };
    const req = url.startsWith('https:')
      ? tlsRequest(url, { ...options, ca: init.ca, rejectUnauthorized: init.anyCertificate !== true }, onReply)
      : request(url, options, onReply);
    req.on('error', reject);
    req.end(init.body);
  });
}
