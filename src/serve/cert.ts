/**
 * TLS material for the dashboard: a self-signed certificate made on request (`waweb serve
 * --tls-self-signed`), and the fingerprints a user checks or pins it by. `selfsigned` is loaded only
 * when a certificate is made, so `waweb/dashboard` does not load it otherwise.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { InvalidOptionError } from '../errors';

export interface DashboardTls {
  /** The certificate chain, PEM. */
  cert: string | Buffer;
  /** Its private key, PEM. */
  key: string | Buffer;
}

export interface CertificateFingerprints {
  /** SHA-256 of the certificate, `AB:CD:...`, as browsers show it. */
  sha256: string;
  /** Base64 SHA-256 of its public key (SPKI), what `--ignore-certificate-errors-spki-list` and HPKP-style pins take. */
  spki: string;
}

/** The fingerprints of the first certificate in `cert` (PEM). */
export function certificateFingerprints(cert: string | Buffer): CertificateFingerprints {
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch (err) {
    throw new InvalidOptionError('startDashboard: "tls.cert" is not a PEM certificate', { cause: err });
  }
  const spki = x509.publicKey.export({ type: 'spki', format: 'der' });
  return { sha256: x509.fingerprint256, spki: createHash('sha256').update(spki).digest('base64') };
}

/**
 * A self-signed certificate (EC P-256, valid 30 days) for `names`: host names and IP addresses,
 * each put in the subject alternative names as what it is. Browsers warn about it until it is
 * trusted or pinned by its fingerprint.
 */
export async function selfSignedCertificate(names: readonly string[]): Promise<DashboardTls & CertificateFingerprints> {
  const unique = [...new Set(names.map((n) => n.replace(/^\[(.*)\]$/, '$1')).filter((n) => n !== ''))];
  if (unique.length === 0) throw new InvalidOptionError('selfSignedCertificate needs at least one host name or address');
  const { generate } = await import('selfsigned');
  const notBeforeDate = new Date(Date.now() - 60_000);
  const pems = await generate([{ name: 'commonName', value: unique[0] as string }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate: new Date(notBeforeDate.getTime() + 30 * 24 * 3600_000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: unique.map((n) => (isIP(n) === 0 ? { type: 2, value: n } : { type: 7, ip: n })) },
    ],
  });
  return { cert: pems.cert, key: pems.private, ...certificateFingerprints(pems.cert) };
}
