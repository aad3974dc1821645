import { generate } from 'selfsigned';

export interface Certificate {
  key: string;
  cert: string;
}

let cached: Promise<Certificate> | undefined;

/**
 * A self-signed certificate for web.whatsapp.com, made once per process.
 * Chromium accepts it because simulator launches pass --ignore-certificate-errors.
 */
export function webWhatsappCertificate(): Promise<Certificate> {
  cached ??= generate([{ name: 'commonName', value: 'web.whatsapp.com' }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'subjectAltName', altNames: [{ type: 2, value: 'web.whatsapp.com' }] },
    ],
  }).then((pems) => ({ key: pems.private, cert: pems.cert }));
  return cached;
}
