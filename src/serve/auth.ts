/**
 * The dashboard's one secret. A request carries it as `Authorization: Bearer <token>` (scripts,
 * Prometheus) or as the cookie a browser gets after opening `/?token=<token>` once. The cookie holds
 * a value derived from the token, not the token. Every comparison is of SHA-256 digests, equal in
 * length, with `timingSafeEqual`.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { InvalidOptionError } from '../errors';

export const COOKIE_NAME = 'waweb_dashboard';
const MIN_TOKEN_LENGTH = 16;

/** How a request proved it knows the token. */
export type Credential = 'bearer' | 'cookie';

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

function same(given: string, expected: Buffer): boolean {
  return timingSafeEqual(digest(given), expected);
}

export class TokenGate {
  readonly #token: Buffer;
  readonly #cookieValue: string;
  readonly #cookie: Buffer;

  constructor(token: unknown) {
    if (typeof token !== 'string' || token.length < MIN_TOKEN_LENGTH) {
      throw new InvalidOptionError(`startDashboard: "token" must be a string of at least ${MIN_TOKEN_LENGTH} characters`);
    }
    this.#token = digest(token);
    this.#cookieValue = createHmac('sha256', token).update('waweb dashboard cookie').digest('base64url');
    this.#cookie = digest(this.#cookieValue);
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
    const cookie = readCookie(req.headers.cookie, COOKIE_NAME);
    return cookie !== undefined && same(cookie, this.#cookie) ? 'cookie' : null;
  }

  /** The `Set-Cookie` header that lets a browser in: HttpOnly, SameSite=Strict, for every path. */
  setCookie(): string {
    return `${COOKIE_NAME}=${this.#cookieValue}; Path=/; HttpOnly; SameSite=Strict`;
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
