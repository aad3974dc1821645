/**
 * URLs for messages and logs: store URLs (`postgres://user:pw@host/db?sslpassword=...`), browser
 * endpoints (`wss://host?token=...`). The URL is taken apart, never pattern-replaced: the password
 * and every sensitive query value become `***`, and a URL whose parts cannot be told apart (a
 * password with an unencoded `/`, `?` or `#` moves the host) is not echoed at all.
 */

/** What is printed instead of a URL that cannot be taken apart safely. */
export const UNPARSABLE_URL = '<unparsable URL>';

const ENCRYPTED_PREFIX = 'encrypted:';
const HIDDEN = '***';

/**
 * Query keys whose values are secrets, matched on the lowercased key: `password`, `pass`, `pwd`,
 * `secret`, `token`, `key` and anything containing them (`sslpassword`, `sslkey`, `apikey`,
 * `access_token`, `tlsCertificateKeyFilePassword`), plus credential-like MongoDB options.
 * `authSource` and `authMechanism` name no secret and stay.
 */
const SENSITIVE_KEY = /pass|pwd|secret|token|key|credential|signature|^sig$|^auth$|authmechanismproperties/;

/** One `host` or `host:port` of an authority's host list (IPv6 in brackets; an empty host is allowed). */
const HOST = /^(\[[0-9A-Fa-f:.]+\]|[^:[\]]*)(:\d*)?$/;

function redactQuery(query: string): string {
  return query
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0) return pair;
      let key = pair.slice(0, eq);
      try {
        key = decodeURIComponent(key.replace(/\+/g, ' '));
      } catch {
        return `${pair.slice(0, eq)}=${HIDDEN}`;
      }
      return SENSITIVE_KEY.test(key.toLowerCase()) ? `${pair.slice(0, eq)}=${HIDDEN}` : pair;
    })
    .join('&');
}

/** `path?query#fragment` with sensitive query values and any fragment hidden. */
function redactTail(tail: string): string {
  const hash = tail.indexOf('#');
  const beforeHash = hash < 0 ? tail : tail.slice(0, hash);
  const fragment = hash < 0 ? '' : `#${HIDDEN}`;
  const q = beforeHash.indexOf('?');
  if (q < 0) return beforeHash + fragment;
  return `${beforeHash.slice(0, q + 1)}${redactQuery(beforeHash.slice(q + 1))}${fragment}`;
}

/**
 * `url` for printing: the password of its user info and the values of sensitive query parameters
 * replaced by `***`, any fragment hidden, through an `encrypted:` prefix. A URL that cannot be taken
 * apart safely (no scheme, an `@` after the host, a host with a port that is not a number) is
 * {@link UNPARSABLE_URL}, never the URL itself. Works on host lists (`mongodb://h1:1,h2:2/db`),
 * which the WHATWG parser refuses.
 */
export function redactUrl(url: string): string {
  if (typeof url !== 'string') return UNPARSABLE_URL;
  if (url.startsWith(ENCRYPTED_PREFIX)) {
    const inner = redactUrl(url.slice(ENCRYPTED_PREFIX.length));
    return inner === UNPARSABLE_URL ? inner : ENCRYPTED_PREFIX + inner;
  }
  const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(url)?.[0];
  if (scheme === undefined) return UNPARSABLE_URL;
  const rest = url.slice(scheme.length);
  if (!rest.startsWith('//')) {
    // No authority (`file:/dir`, `file:./dir`): nothing but a path and maybe a query.
    return rest.includes('@') ? UNPARSABLE_URL : scheme + redactTail(rest);
  }
  const afterSlashes = rest.slice(2);
  const end = afterSlashes.search(/[/?#]/);
  const authority = end < 0 ? afterSlashes : afterSlashes.slice(0, end);
  const tail = end < 0 ? '' : afterSlashes.slice(end);
  // An "@" after the authority: the user info held a "/", "?" or "#"; where the host starts is a guess.
  if (tail.includes('@')) return UNPARSABLE_URL;
  const at = authority.lastIndexOf('@');
  const hosts = at < 0 ? authority : authority.slice(at + 1);
  if (!hosts.split(',').every((host) => HOST.test(host))) return UNPARSABLE_URL;
  let userinfo = '';
  if (at >= 0) {
    const info = authority.slice(0, at);
    const colon = info.indexOf(':');
    userinfo = colon < 0 ? `${info}@` : `${info.slice(0, colon)}:${HIDDEN}@`;
  }
  return `${scheme}//${userinfo}${hosts}${redactTail(tail)}`;
}

/** A URL inside free text (an error message): a scheme, `//`, and everything up to white space or a quote. */
const URL_IN_TEXT = /[a-z][a-z0-9+.-]*:\/\/[^\s'"<>`]+/gi;

/** `text` with every URL in it redacted (for third-party error messages that quote a URL they were given). */
export function redactUrlsIn(text: string): string {
  return text.replace(URL_IN_TEXT, (found) => {
    // Punctuation that ends a sentence around the URL ("from ws://...: refused") is not part of it.
    const url = found.replace(/[.,:;)\]]+$/, '');
    return redactUrl(url) + found.slice(url.length);
  });
}

/**
 * Rewrites, in place, the message and stack of `err` and of its causes with every URL redacted, and
 * returns it: a third-party error that quotes an endpoint with a token can then be kept as a `cause`.
 */
export function redactUrlsInError<T>(err: T): T {
  const seen = new Set<unknown>();
  for (let e: unknown = err; e instanceof Error && !seen.has(e); e = e.cause) {
    seen.add(e);
    e.message = redactUrlsIn(e.message);
    if (typeof e.stack === 'string') e.stack = redactUrlsIn(e.stack);
  }
  return err;
}
