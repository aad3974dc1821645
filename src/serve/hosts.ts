/**
 * Which `Host` headers the dashboard answers. A page on another site can point a name it controls
 * at 127.0.0.1 (DNS rebinding) and then talk to the dashboard as a same-origin page; its requests
 * carry that name as `Host`, so only names the dashboard was bound to, or told about, pass.
 */
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import { InvalidOptionError } from '../errors';

/** True for an address or name that only this machine can reach. */
export function isLoopback(host: string): boolean {
  const name = bare(host);
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  if (isIP(name) === 4) return name.startsWith('127.');
  if (name === '::1') return true;
  return /^::ffff:127\./.test(name);
}

/** True for an address that listens on every interface. */
export function isWildcard(host: string): boolean {
  const name = bare(host);
  return name === '0.0.0.0' || name === '::' || name === '::0';
}

/** Lower case, without IPv6 brackets or a trailing dot. */
function bare(host: string): string {
  let name = host.trim().toLowerCase();
  if (name.startsWith('[') && name.endsWith(']')) name = name.slice(1, -1);
  if (name.endsWith('.')) name = name.slice(0, -1);
  return name;
}

/** The host part of a `Host` header (`name:port`, `[v6]:port`, `name`), or null when it has none. */
export function hostOf(header: string | undefined): string | null {
  if (header === undefined) return null;
  const value = header.trim();
  if (value.startsWith('[')) {
    const end = value.indexOf(']');
    return end > 1 ? bare(value.slice(0, end + 1)) : null;
  }
  const colon = value.indexOf(':');
  const name = colon < 0 ? value : value.slice(0, colon);
  return name === '' ? null : bare(name);
}

/**
 * The names a dashboard bound to `host` answers by default: that address; on loopback also
 * `localhost` (and, in `HostAllowlist`, any `*.localhost`); on a wildcard address every address of
 * this machine's interfaces and `localhost`. What a self-signed certificate for it should name.
 */
export function defaultAllowedHosts(host: string): string[] {
  const names = new Set<string>();
  if (isWildcard(host)) {
    for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) names.add(bare(a.address));
  } else names.add(bare(host));
  if (isLoopback(host) || isWildcard(host)) names.add('localhost');
  return [...names];
}

/** The `Host` names a dashboard answers: `defaultAllowedHosts(host)`, `*.localhost` on loopback, and `extra`. */
export class HostAllowlist {
  readonly #names: Set<string>;
  readonly #localhostNames: boolean;

  constructor(host: string, extra: readonly string[] = []) {
    this.#names = new Set(defaultAllowedHosts(host));
    this.#localhostNames = isLoopback(host) || isWildcard(host);
    for (const name of extra) {
      if (typeof name !== 'string' || !(isIP(bare(name)) !== 0 || /^[a-z0-9_.-]+$/.test(bare(name)))) {
        throw new InvalidOptionError(
          `startDashboard: "allowedHosts" must hold host names or addresses without a port, not ${JSON.stringify(name)}`,
        );
      }
      this.#names.add(bare(name));
    }
  }

  /** True when a request with this `Host` header may be answered. */
  allows(header: string | undefined): boolean {
    const name = hostOf(header);
    if (name === null) return false;
    if (this.#names.has(name)) return true;
    return this.#localhostNames && name.endsWith('.localhost');
  }
}
