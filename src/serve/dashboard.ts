/**
 * The dashboard: a small web app over a SessionManager on Node's own `http`. A page that lists the
 * sessions live (Server-Sent Events, QR images drawn here), a JSON API to restart, log out or pair a
 * session by code, and Prometheus metrics. Every route needs the token (see auth.ts) and a `Host`
 * the dashboard answers for (see hosts.ts); an address other machines reach needs TLS.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createSecureContext } from 'node:tls';
import { AbortError, InvalidOptionError } from '../errors';
import { positiveInteger } from '../util/options';
import { isAction, runAction } from './api';
import { sameOriginPost, TokenGate } from './auth';
import { certificateFingerprints, type DashboardTls } from './cert';
import { EventStreams } from './events';
import { HostAllowlist, isLoopback } from './hosts';
import { baseHeaders, readJson, RequestError, sendError, sendJson } from './http';
import { Listeners } from './listen';
import { createMetrics } from './metrics';
import { dashboardPage, pagePolicy } from './page';
import { QrImages, RemoteBackups, sessionsView } from './sessions';
import type { Dashboard, DashboardManager, DashboardOptions, Metrics } from './types';

/** How often open pages get a fresh view even without an event (other workers, elapsed times). */
const REFRESH_MS = 5000;
const SESSION_ROUTE = /^\/api\/sessions\/([^/]+)\/([a-z-]+)$/;
const DEFAULT_COOKIE_MAX_AGE_S = 12 * 3600;
/** Browsers keep a cookie at most 400 days whatever it asks for. */
const MAX_COOKIE_AGE_S = 400 * 24 * 3600;

interface Context {
  manager: DashboardManager;
  backups: RemoteBackups;
  gate: TokenGate;
  hosts: HostAllowlist;
  streams: EventStreams;
  metrics: Metrics;
}

/** Starts the dashboard; resolves once it listens. */
export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  if (!options || typeof options !== 'object') throw new InvalidOptionError('startDashboard needs options: { manager, token }');
  const { manager, signal } = options;
  if (!manager || typeof manager.list !== 'function' || typeof manager.on !== 'function') {
    throw new InvalidOptionError('startDashboard: "manager" must be a SessionManager');
  }
  const host = options.host ?? '127.0.0.1';
  if (typeof host !== 'string' || host === '') throw new InvalidOptionError('startDashboard: "host" must be an address');
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new InvalidOptionError('startDashboard: "port" must be an integer from 0 to 65535');
  const tls = tlsOption(options.tls);
  const certificate = tls && certificateFingerprints(tls.cert); // also refuses a cert that is not one
  if (!tls && !isLoopback(host) && options.insecureHttp !== true) {
    throw new InvalidOptionError(
      `startDashboard: "${host}" is reachable from other machines and the token would cross the network in clear: give "tls" ({ cert, key }), or set "insecureHttp: true" (only behind a TLS proxy)`,
    );
  }
  const allowedHosts = options.allowedHosts ?? [];
  if (!Array.isArray(allowedHosts)) throw new InvalidOptionError('startDashboard: "allowedHosts" must be an array of host names');
  const hosts = new HostAllowlist(host, allowedHosts);
  const maxAgeSeconds = positiveInteger(options.cookieMaxAgeSeconds, DEFAULT_COOKIE_MAX_AGE_S, 'startDashboard: "cookieMaxAgeSeconds"');
  if (maxAgeSeconds > MAX_COOKIE_AGE_S) {
    throw new InvalidOptionError(
      `startDashboard: "cookieMaxAgeSeconds" must be at most ${MAX_COOKIE_AGE_S} (400 days, what browsers keep)`,
    );
  }
  const gate = new TokenGate(options.token, { secure: tls !== null, maxAgeSeconds, port: () => (server.address() as AddressInfo).port });
  if (signal?.aborted) throw new AbortError('startDashboard was aborted');

  const qr = new QrImages();
  const backups = new RemoteBackups(manager, () => streams.changed());
  const streams = new EventStreams(async () => {
    const view = await sessionsView(manager, backups);
    qr.keep(new Set(view.sessions.map((s) => s.id)));
    const sessions = await Promise.all(
      view.sessions.map(async (s) => ({ ...s, qrImage: s.qr === null ? null : await qr.image(s.id, s.qr) })),
    );
    return { ...view, sessions };
  }, REFRESH_MS);
  const metrics = createMetrics(manager, options.metrics);
  const listeners = new Listeners(manager);
  const changed = (): void => streams.changed();
  listeners
    .on('session.state', changed)
    .on('session.qr', changed)
    .on('session.code', changed)
    .on('session.saved', changed)
    .on('session.save_failed', changed)
    .on('session.error', changed)
    .on('session.start_failed', changed)
    .on('session.ceiling', changed)
    .on('lease.acquired', changed)
    .on('lease.lost', changed)
    .on('lease.released', changed);

  const context: Context = { manager, backups, gate, hosts, streams, metrics };
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    handle(context, req, res).catch((err: unknown) => sendError(res, err));
  };
  const server = tls ? createTlsServer({ cert: tls.cert, key: tls.key }, onRequest) : createServer(onRequest);

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      signal?.removeEventListener('abort', onAbort);
      listeners.clear();
      streams.close();
      metrics.close();
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return closing;
  };
  const onAbort = (): void => void close();
  signal?.addEventListener('abort', onAbort, { once: true });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    await close();
    throw err;
  }
  if (signal?.aborted) {
    await close();
    throw new AbortError('startDashboard was aborted');
  }
  const address = server.address() as AddressInfo;
  const url = `${tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  return { url, port: address.port, certificate, close };
}

function tlsOption(tls: DashboardTls | undefined): DashboardTls | null {
  if (tls === undefined) return null;
  const pem = (v: unknown): boolean => (typeof v === 'string' && v !== '') || (Buffer.isBuffer(v) && v.length > 0);
  if (!tls || typeof tls !== 'object' || !pem(tls.cert) || !pem(tls.key)) {
    throw new InvalidOptionError('startDashboard: "tls" must be { cert, key }, each a PEM string or Buffer');
  }
  try {
    createSecureContext({ cert: tls.cert, key: tls.key });
  } catch (err) {
    // OpenSSL's own words (a key that is not one, or not the certificate's) stay in `cause`.
    throw new InvalidOptionError('startDashboard: "tls.key" is not a PEM private key for "tls.cert"', { cause: err });
  }
  return tls;
}

async function handle(context: Context, req: IncomingMessage, res: ServerResponse): Promise<void> {
  baseHeaders(res);
  // Before anything else: a name the dashboard was not bound to may be a rebound DNS name.
  if (!context.hosts.allows(req.headers.host)) {
    throw new RequestError(
      421,
      'MISDIRECTED_REQUEST',
      'this dashboard does not answer for that Host; add the name to allowedHosts (--allowed-host)',
    );
  }
  const raw = req.url ?? '/';
  const q = raw.indexOf('?');
  const path = q < 0 ? raw : raw.slice(0, q);
  const query = new URLSearchParams(q < 0 ? '' : raw.slice(q + 1));
  const method = req.method ?? 'GET';

  // Opening /?token=... once trades the token for a cookie and drops it from the address bar.
  const token = query.get('token');
  if (path === '/' && method === 'GET' && token !== null) {
    if (!context.gate.matches(token)) throw unauthorized(res);
    res.writeHead(303, { 'Set-Cookie': context.gate.setCookie(), Location: '/' }).end();
    return;
  }
  const credential = context.gate.check(req);
  if (credential === null) throw unauthorized(res);

  if (path === '/' || path === '/events' || path === '/api/sessions' || path === '/metrics') {
    if (method !== 'GET') throw new RequestError(405, 'METHOD_NOT_ALLOWED', `${path} takes GET`);
    if (path === '/') {
      const nonce = randomBytes(16).toString('base64');
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': pagePolicy(nonce) });
      res.end(dashboardPage(nonce));
    } else if (path === '/events') {
      context.streams.add(req, res);
    } else if (path === '/api/sessions') {
      sendJson(res, 200, await sessionsView(context.manager, context.backups));
    } else {
      const text = await context.metrics.registry.metrics();
      res.writeHead(200, { 'Content-Type': context.metrics.registry.contentType }).end(text);
    }
    return;
  }

  const match = SESSION_ROUTE.exec(path);
  const action = match?.[2];
  if (!match || action === undefined || !isAction(action)) throw new RequestError(404, 'NOT_FOUND', `no route ${method} ${path}`);
  if (method !== 'POST') throw new RequestError(405, 'METHOD_NOT_ALLOWED', `${path} takes POST`);
  if (!sameOriginPost(req, credential)) {
    throw new RequestError(403, 'FORBIDDEN', 'a POST with the cookie must be a same-origin JSON request (Content-Type: application/json)');
  }
  let id: string;
  try {
    id = decodeURIComponent(match[1] ?? '');
  } catch {
    throw new RequestError(400, 'BAD_REQUEST', 'the session id is not valid percent-encoding');
  }
  const body = await readJson(req);
  const result = await runAction(context.manager, id, action, body);
  sendJson(res, result.status, result.body);
}

function unauthorized(res: ServerResponse): RequestError {
  res.setHeader('WWW-Authenticate', 'Bearer realm="waweb dashboard"');
  return new RequestError(
    401,
    'UNAUTHORIZED',
    'this dashboard needs its token: open /?token=<token> once, or send Authorization: Bearer <token>',
  );
}
