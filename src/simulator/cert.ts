import { createHash, X509Certificate } from 'node:crypto';
import { generate } from 'selfsigned';

export interface Certificate {
  key: string;
  cert: string;
  /** base64 of the SHA-256 of the certificate's SubjectPublicKeyInfo, as `--ignore-certificate-errors-spki-list` takes it. */
  spkiHash: string;
}

/** base64(sha256(SubjectPublicKeyInfo DER)) of a PEM certificate: the pin Chromium compares. */
export function spkiHash(certPem: string): string {
  const spki = new X509Certificate(certPem).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('base64');
}

let cached: Promise<Certificate> | undefined;

/**
 * A self-signed certificate for web.whatsapp.com, made once per process.
 * Chromium accepts it, and no other, because simulator launches pin its key with
 * `--ignore-certificate-errors-spki-list` (not the global `--ignore-certificate-errors`).
 */
export function webWhatsappCertificate(): Promise<Certificate> {
  cached ??= generate([{ name: 'commonName', value: 'web.whatsapp.com' }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'subjectAltName', altNames: [{ type: 2, value: 'web.whatsapp.com' }] },
    ],
  }).then((pems) => ({ key: pems.private, cert: pems.cert, spkiHash: spkiHash(pems.cert) }));
  return cached;
}
