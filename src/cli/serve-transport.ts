/**
 * `waweb serve`'s transport flags: TLS from files or a self-signed certificate, the refusal of
 * plain HTTP on an address other machines reach, the Host names and the cookie's lifetime.
 */
import { readFile } from 'node:fs/promises';
import { InvalidOptionError } from '../index';
import { defaultAllowedHosts, isLoopback, selfSignedCertificate, type DashboardOptions } from '../serve/index';
import { intOption, type ParsedArgs } from './util';

export const TRANSPORT_OPTIONS = {
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  'tls-self-signed': { type: 'boolean' },
  'insecure-http': { type: 'boolean' },
  'allowed-host': { type: 'string', multiple: true },
  'cookie-max-age': { type: 'string' },
} as const;

export const TRANSPORT_USAGE = `  --tls-cert FILE     serve HTTPS with this certificate (PEM; with --tls-key)
  --tls-key FILE      its private key (PEM)
  --tls-self-signed   serve HTTPS with a certificate made at start (30 days, for
                      the names the dashboard answers: the address, localhost on
                      loopback, --allowed-host); its fingerprints are printed
  --insecure-http     allow plain HTTP on an address other than loopback: the
                      token and cookie cross the network in clear (only behind a
                      TLS proxy)
  --allowed-host NAME a Host name to answer besides the address (and localhost
                      on loopback), repeatable: the name users open, a proxy's
  --cookie-max-age S  how long a browser stays logged in (default 43200, 12 h)`;

export interface DashboardTransport {
  options: Pick<DashboardOptions, 'tls' | 'insecureHttp' | 'allowedHosts' | 'cookieMaxAgeSeconds'>;
  selfSigned: boolean;
}

async function pemFile(file: string, flag: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new InvalidOptionError(`${flag} ${file} cannot be read`, { cause: err });
  }
}

/** The dashboard's transport options from the flags; refuses plain HTTP off loopback unless --insecure-http. */
export async function dashboardTransport(values: ParsedArgs['values'], host: string, usage: string): Promise<DashboardTransport> {
  const certFile = values['tls-cert'];
  const keyFile = values['tls-key'];
  const selfSigned = values['tls-self-signed'] === true;
  const insecure = values['insecure-http'] === true;
  const fromFiles = typeof certFile === 'string' || typeof keyFile === 'string';
  if (fromFiles && (typeof certFile !== 'string' || typeof keyFile !== 'string')) {
    throw new InvalidOptionError(`--tls-cert and --tls-key go together\n\n${usage}`);
  }
  if ([fromFiles, selfSigned, insecure].filter(Boolean).length > 1) {
    throw new InvalidOptionError(`choose one of --tls-cert/--tls-key, --tls-self-signed and --insecure-http\n\n${usage}`);
  }
  if (!fromFiles && !selfSigned && !insecure && !isLoopback(host)) {
    throw new InvalidOptionError(
      `--host ${host} is reachable from other machines, and the token and cookie would cross the network in clear: ` +
        `serve TLS (--tls-cert FILE --tls-key FILE, or --tls-self-signed), or pass --insecure-http (only behind a TLS proxy)`,
    );
  }
  const rawHosts = values['allowed-host'] as unknown;
  const allowedHosts = Array.isArray(rawHosts) ? rawHosts.map(String) : [];
  const options: DashboardTransport['options'] = { allowedHosts };
  const maxAge = intOption(values['cookie-max-age'], 'cookie-max-age', 1, 400 * 24 * 3600);
  if (maxAge !== undefined) options.cookieMaxAgeSeconds = maxAge;
  if (insecure) options.insecureHttp = true;
  if (typeof certFile === 'string' && typeof keyFile === 'string') {
    options.tls = { cert: await pemFile(certFile, '--tls-cert'), key: await pemFile(keyFile, '--tls-key') };
  } else if (selfSigned) {
    const made = await selfSignedCertificate([...defaultAllowedHosts(host), ...allowedHosts]);
    options.tls = { cert: made.cert, key: made.key };
  }
  return { options, selfSigned };
}
