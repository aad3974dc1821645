/**
 * The phone/admin HTTP API: the same operations as `SimulatedPhone` and the
 * simulator's fault switches, as JSON over loopback HTTP, for tests written in
 * other languages or processes. Bad input gets a 4xx that says what was wrong
 * and changes nothing.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serveArchivedBuild } from './builds';
import { SimulatorError } from './errors';
import type { GroupChange } from './groups';
import type { GroupSetting, SimulatedPhone } from './simulated-phone';
import type { SessionOverlap } from './types';

/** The simulator's operations this API exposes (`WhatsAppSimulator` has them all). */
export interface AdminTarget {
  chromiumArgs(): string[];
  phone(number: string): SimulatedPhone;
  registerNumber(number: string): Promise<void>;
  unregisterNumber(number: string): Promise<void>;
  pendingQrCodes(): string[];
  overlaps(): SessionOverlap[];
  refuseNextConnections(count?: number): void;
  delayNextConnection(ms: number): void;
  dropConnections(phone?: string): number;
  stallNextBoots(count?: number): void;
  stallNextLogins(count?: number): void;
  stallNextHistorySyncs(count?: number, percent?: number): void;
  reloadPages(phone?: string): number;
  buildHtml(version: string): string | undefined;
}

export interface AdminServer {
  url: string;
  close(): Promise<void>;
}

type Handler = (sim: AdminTarget, params: string[], body: Record<string, unknown>) => unknown;

const routes: Array<[method: string, pattern: RegExp, handler: Handler]> = [
  ['GET', /^\/health$/, () => ({ ok: true })],
  ['GET', /^\/chromium-args$/, (sim) => ({ args: sim.chromiumArgs() })],
  ['GET', /^\/qr$/, (sim) => ({ qr: sim.pendingQrCodes() })],
  ['GET', /^\/overlaps$/, (sim) => ({ overlaps: sim.overlaps() })],
  ['GET', /^\/phones\/([^/]+)\/devices$/, (sim, [n]) => ({ devices: sim.phone(n ?? '').devices() })],
  ['POST', /^\/phones\/([^/]+)\/scan$/, async (sim, [n], b) => ({ device: await sim.phone(n ?? '').scan(b['qr'] as string) })],
  [
    'POST',
    /^\/phones\/([^/]+)\/pair-code$/,
    async (sim, [n], b) => ({ device: await sim.phone(n ?? '').pairWithCode(b['code'] as string) }),
  ],
  [
    'DELETE',
    /^\/phones\/([^/]+)\/devices\/([^/]+)$/,
    async (sim, [n, id]) => {
      await sim.phone(n ?? '').unlink(id ?? '');
      return { unlinked: id };
    },
  ],
  [
    'POST',
    /^\/phones\/([^/]+)\/messages$/,
    async (sim, [n], b) => ({ message: await sim.phone(n ?? '').receiveText(b['from'] as string, b['body'] as string) }),
  ],
  ['GET', /^\/phones\/([^/]+)\/sent$/, (sim, [n]) => ({ messages: sim.phone(n ?? '').sentMessages() })],
  ['POST', /^\/phones\/([^/]+)\/sent\/([^/]+)\/read$/, async (sim, [n, id]) => ({ message: await sim.phone(n ?? '').markRead(id ?? '') })],
  ['GET', /^\/phones\/([^/]+)\/seen$/, (sim, [n]) => ({ chats: sim.phone(n ?? '').seenChats() })],
  [
    'POST',
    /^\/phones\/([^/]+)\/contacts$/,
    async (sim, [n], b) => {
      await sim.phone(n ?? '').addContact(b['number'] as string, b['name'] as string);
      return { added: b['number'] };
    },
  ],
  // Groups, as a member's phone administers them (ids end in @g.us; the phone must be a member).
  ['GET', /^\/phones\/([^/]+)\/groups$/, (sim, [n]) => ({ groups: sim.phone(n ?? '').groups() })],
  [
    'POST',
    /^\/phones\/([^/]+)\/groups$/,
    async (sim, [n], b) => ({ group: await sim.phone(n ?? '').createGroup(b['subject'] as string, b['participants'] as string[]) }),
  ],
  [
    'POST',
    /^\/phones\/([^/]+)\/groups\/([^/]+)\/participants$/,
    async (sim, [n, g], b) => ({
      notification: await sim.phone(n ?? '').changeGroup(g ?? '', groupChange(b['change']), b['member'] as string),
    }),
  ],
  [
    'POST',
    /^\/phones\/([^/]+)\/groups\/([^/]+)\/(subject|description)$/,
    async (sim, [n, g, field], b) => {
      const phone = sim.phone(n ?? '');
      const value = b['value'] as string;
      return {
        notification: await (field === 'subject' ? phone.setGroupSubject(g ?? '', value) : phone.setGroupDescription(g ?? '', value)),
      };
    },
  ],
  [
    'POST',
    /^\/phones\/([^/]+)\/groups\/([^/]+)\/settings\/([^/]+)$/,
    async (sim, [n, g, setting], b) => ({
      notification: await sim.phone(n ?? '').setGroupSetting(g ?? '', groupSetting(setting), b['on'] as boolean),
    }),
  ],
  [
    'POST',
    /^\/phones\/([^/]+)\/groups\/([^/]+)\/messages$/,
    async (sim, [n, g], b) => ({
      message: await sim.phone(n ?? '').receiveGroupText(g ?? '', (b['from'] as string | undefined) ?? n ?? '', b['body'] as string),
    }),
  ],
  [
    'DELETE',
    /^\/phones\/([^/]+)\/groups\/([^/]+)$/,
    async (sim, [n, g]) => ({ notification: await sim.phone(n ?? '').leaveGroup(g ?? '') }),
  ],
  // Calls: a contact calls the phone's account; the calls it made or got; the call links its devices made.
  [
    'POST',
    /^\/phones\/([^/]+)\/calls$/,
    (sim, [n], b) => ({
      call: sim.phone(n ?? '').receiveCall(b['from'] as string, { video: b['video'] === true, group: b['group'] as string[] | undefined }),
    }),
  ],
  ['GET', /^\/phones\/([^/]+)\/calls$/, (sim, [n]) => ({ calls: sim.phone(n ?? '').calls() })],
  ['GET', /^\/phones\/([^/]+)\/call-links$/, (sim, [n]) => ({ links: sim.phone(n ?? '').callLinks() })],
  ['GET', /^\/phones\/([^/]+)\/chats\/([^/]+)\/state$/, (sim, [n, c]) => ({ state: sim.phone(n ?? '').chatState(c ?? '') ?? null })],
  [
    'PUT',
    /^\/numbers\/([^/]+)$/,
    async (sim, [n]) => {
      await sim.registerNumber(n ?? '');
      return { registered: n };
    },
  ],
  [
    'DELETE',
    /^\/numbers\/([^/]+)$/,
    async (sim, [n]) => {
      await sim.unregisterNumber(n ?? '');
      return { unregistered: n };
    },
  ],
  [
    'POST',
    /^\/phones\/([^/]+)\/devices\/([^/]+)\/offline-messages$/,
    async (sim, [n, id], b) => ({ queued: await sim.phone(n ?? '').queueOfflineMessages(id ?? '', b['count'] as number) }),
  ],
  [
    'POST',
    /^\/phones\/([^/]+)\/devices\/([^/]+)\/open-elsewhere$/,
    (sim, [n, id]) => {
      sim.phone(n ?? '').openElsewhere(id ?? '');
      return { conflict: id };
    },
  ],
  [
    'POST',
    /^\/phones\/([^/]+)\/devices\/([^/]+)\/history$/,
    async (sim, [n, id], b) => ({ chunks: await sim.phone(n ?? '').fillHistory(id ?? '', b['bytes'] as number) }),
  ],
  [
    'POST',
    /^\/server\/refuse-connections$/,
    (sim, _p, b) => {
      const count = b['count'] ?? 1;
      if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > 1000) {
        throw new SimulatorError(400, 'count must be an integer from 1 to 1000');
      }
      sim.refuseNextConnections(count);
      return { refusing: count };
    },
  ],
  [
    'POST',
    /^\/server\/delay-connection$/,
    (sim, _p, b) => {
      const ms = b['ms'];
      if (typeof ms !== 'number' || !Number.isInteger(ms) || ms < 0 || ms > 600_000) {
        throw new SimulatorError(400, 'ms must be an integer from 0 to 600000');
      }
      sim.delayNextConnection(ms);
      return { delayMs: ms };
    },
  ],
  [
    'POST',
    /^\/server\/stall-boots$/,
    (sim, _p, b) => {
      const count = b['count'] ?? 1;
      sim.stallNextBoots(count as number);
      return { stalling: count };
    },
  ],
  [
    'POST',
    /^\/server\/stall-logins$/,
    (sim, _p, b) => {
      const count = b['count'] ?? 1;
      sim.stallNextLogins(count as number);
      return { stalling: count };
    },
  ],
  [
    'POST',
    /^\/server\/stall-history-syncs$/,
    (sim, _p, b) => {
      const count = b['count'] ?? 1;
      const percent = b['percent'] ?? 50;
      sim.stallNextHistorySyncs(count as number, percent as number);
      return { stalling: count, percent };
    },
  ],
  [
    'POST',
    /^\/server\/drop-connections$/,
    (sim, _p, b) => {
      const phone = b['phone'];
      if (phone !== undefined && typeof phone !== 'string') throw new SimulatorError(400, 'phone must be a string');
      return { dropped: sim.dropConnections(phone) };
    },
  ],
  [
    'POST',
    /^\/reload$/,
    (sim, _p, b) => {
      const phone = b['phone'];
      if (phone !== undefined && typeof phone !== 'string') throw new SimulatorError(400, 'phone must be a string');
      return { reloaded: sim.reloadPages(phone) };
    },
  ],
];

export async function startAdminServer(sim: AdminTarget, host: string, port: number, token?: string): Promise<AdminServer> {
  const expected = token === undefined ? undefined : createHash('sha256').update(`Bearer ${token}`).digest();
  const server = createServer((req, res) => {
    if (serveArchivedBuild((version) => sim.buildHtml(version), req, res)) return;
    if (expected && !authorized(req, expected)) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      reply(res, 401, { error: 'this phone API needs its token: Authorization: Bearer <token>' });
      return;
    }
    handle(sim, req, res).catch((err: unknown) => reply(res, 500, { error: String(err) }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`,
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      return closing;
    },
  };
}

/** Compares hashes of the header and the expected value: equal lengths, so a constant-time compare. */
function authorized(req: IncomingMessage, expected: Buffer): boolean {
  const given = createHash('sha256')
    .update(req.headers.authorization ?? '')
    .digest();
  return timingSafeEqual(given, expected);
}

async function handle(sim: AdminTarget, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let path: string;
  try {
    path = decodeURIComponent((req.url ?? '/').split('?')[0] ?? '/');
  } catch {
    reply(res, 400, { error: `request path ${req.url ?? ''} is not valid percent-encoding` });
    return;
  }
  const sameRoute = routes.filter(([, pattern]) => pattern.test(path));
  const route = sameRoute.find(([method]) => method === req.method);
  if (!route) {
    reply(res, sameRoute.length > 0 ? 405 : 404, { error: `no route ${req.method ?? ''} ${path}` });
    return;
  }
  const [, pattern, handler] = route;
  const params = (pattern.exec(path) ?? []).slice(1);
  // A web page can POST text/plain or a form to loopback without asking first (no CORS preflight);
  // it cannot send application/json. So every POST must say it is JSON, empty bodies included.
  if (req.method === 'POST' && !isJson(req.headers['content-type'])) {
    req.resume();
    reply(res, 415, { error: 'POST bodies must be sent as Content-Type: application/json' });
    return;
  }
  try {
    const body = req.method === 'POST' ? parseBody(await readBody(req)) : {};
    reply(res, 200, (await handler(sim, params, body)) ?? {});
  } catch (err) {
    if (err instanceof SimulatorError) reply(res, err.status, { error: err.message });
    else throw err;
  }
}

/** `application/json`, with parameters (`; charset=utf-8`) or not. */
function isJson(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() === 'application/json';
}

function parseBody(text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new SimulatorError(400, 'request body is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new SimulatorError(400, 'request body must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    // An oversized body is read to its end and dropped, so the 400 reaches the client
    // (destroying the request would reset the connection before it could be sent).
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > 1024 * 1024) chunks.length = 0;
      else chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > 1024 * 1024) reject(new SimulatorError(400, 'request body over 1 MiB'));
      else resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function groupChange(value: unknown): GroupChange {
  if (value === 'add' || value === 'remove' || value === 'promote' || value === 'demote') return value;
  throw new SimulatorError(400, "change must be 'add', 'remove', 'promote' or 'demote'");
}

function groupSetting(value: unknown): GroupSetting {
  if (value === 'messagesAdminsOnly' || value === 'infoAdminsOnly' || value === 'addMembersAdminsOnly') return value;
  throw new SimulatorError(400, "setting must be 'messagesAdminsOnly', 'infoAdminsOnly' or 'addMembersAdminsOnly'");
}
