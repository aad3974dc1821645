/**
 * The dashboard's one secret. A request carries it as `Authorization: Bearer <token>` (scripts,
 * Prometheus) or as the cookie a browser gets after opening `/?token=<token>` once. The cookie holds
 * no token: it is an expiry time and an HMAC of it under a secret drawn at random when the dashboard
 * starts, so it stops working when it expires and every cookie is revoked when the dashboard
 * restarts. Every comparison is of SHA-256 digests, equal in length, with `timingSafeEqual`.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { InvalidOptionError } from '../errors';

const MIN_TOKEN_LENGTH = 16;
const COOKIE_VALUE = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/;

/** How a request proved it knows the token. */
export type Credential = 'bearer' | 'cookie';

/**
 * The cookie's name: with the port in it, so two dashboards on one host (browsers do not keep
 * cookies apart by port) do not overwrite each other's; under TLS with the `__Host-` prefix, which
 * makes the browser keep it only when it was set `Secure`, for `/`, by this host (no `Domain`).
 */
export function cookieName(secure: boolean, port: number): string {
  return `${secure ? '__Host-' : ''}waweb_dashboard_${port}`;
}

export interface GateSettings {
  /** Served over TLS: the cookie is `__Host-` and `Secure`. */
  secure: boolean;
  /** How long a cookie is good for, in seconds. */
  maxAgeSeconds: number;
  /** The port the dashboard listens on (known once it listens). */
  port: () => number;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

function same(given: string, expected: Buffer): boolean {
  return timingSafeEqual(digest(given), expected);
}

export class TokenGate {
  readonly #token: Buffer;
  /** Drawn at each start: a restart revokes every cookie handed out before it. */
  readonly #secret = randomBytes(32);
  readonly #settings: GateSettings;

  constructor(token: unknown, settings: GateSettings) {
    if (typeof token !== 'string' || token.length < MIN_TOKEN_LENGTH) {
      throw new InvalidOptionError(`startDashboard: "token" must be a string of at least ${MIN_TOKEN_LENGTH} characters`);
    }
    this.#token = digest(token);
    this.#settings = settings;
  }

  get cookieName(): string {
    return cookieName(this.#settings.secure, this.#settings.port());
  }

  /** True when `given` is the token. */
  matches(given: string): boolean {
    return same(given, this.#token);
  }

  /** Which credential `req` carries, or null without a valid one. */
  check(req: IncomingMessage): Credential | null {
    const header = req.headers.authorization;
    if (header !== undefined) {
      const bearer = /^Bearer +(\S+) *$/i.exec(header)?.[1];
      return bearer !== undefined && this.matches(bearer) ? 'bearer' : null;
    }
    const cookie = readCookie(req.headers.cookie, this.cookieName);
    return cookie !== undefined && this.#validCookie(cookie) ? 'cookie' : null;
  }

  /** The `Set-Cookie` header that lets a browser in: HttpOnly, SameSite=Strict, for every path, with an expiry. */
  setCookie(): string {
    const { secure, maxAgeSeconds } = this.#settings;
    const expires = Math.floor(Date.now() / 1000) + maxAgeSeconds;
    const value = `${expires}.${this.#mac(expires)}`;
    return `${this.cookieName}=${value}; Path=/; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
  }

  #mac(expires: number): string {
    return createHmac('sha256', this.#secret).update(`waweb dashboard cookie until ${expires}`).digest('base64url');
  }

  /** Made by this start of the dashboard and not expired (the server checks the expiry too, not only the browser). */
  #validCookie(value: string): boolean {
    const parts = COOKIE_VALUE.exec(value);
    if (!parts) return false;
    const expires = Number(parts[1]);
    const authentic = same(parts[2] as string, digest(this.#mac(expires)));
    return authentic && expires * 1000 > Date.now();
  }
}

function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * A state-changing request is safe from cross-site forgery when it carries the bearer token (a
 * browser sends no Authorization header on its own), or, with the cookie, when it is JSON (which a
 * cross-site form cannot send) and any Origin it names is this server's.
 */
export function sameOriginPost(req: IncomingMessage, credential: Credential): boolean {
  if (credential === 'bearer') return true;
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') return false;
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin') return false;
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    // The scheme is left out: behind a TLS proxy the page is https while this server sees http.
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}
