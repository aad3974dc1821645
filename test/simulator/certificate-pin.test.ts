/**
 * Issue 24, point 8: the simulator's Chromium flags accept its own certificate and no other. They
 * pin the certificate's key (`--ignore-certificate-errors-spki-list`) instead of turning every
 * certificate check off, so a production launch that keeps them by mistake still refuses a
 * certificate that is not the simulator's.
 */
import { createHash } from 'node:crypto';
import { createServer, request, type Server } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { generate } from 'selfsigned';
import { closeBrowser, launchBrowser } from '../../src/browser/launch';
import { WhatsAppSimulator } from '../../src/simulator';

let sim: WhatsAppSimulator | undefined;
let other: Server | undefined;

afterEach(async () => {
  await sim?.close();
  const server = other;
  if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  sim = undefined;
  other = undefined;
});

test('chromiumArgs() pins the served certificate instead of --ignore-certificate-errors', async () => {
  sim = await WhatsAppSimulator.start({ adminPort: false });
  const args = sim.chromiumArgs();
  expect(args).not.toContain('--ignore-certificate-errors');
  const pin = args.find((a) => a.startsWith('--ignore-certificate-errors-spki-list='));
  expect(pin).toBeDefined();
  // The pin is the SPKI hash of the certificate the page server actually serves.
  const served = await new Promise<string>((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: sim!.port, servername: 'web.whatsapp.com', rejectUnauthorized: false, path: '/' },
      (res) => {
        const cert = (res.socket as TLSSocket).getPeerX509Certificate();
        res.resume();
        if (!cert) reject(new Error('no peer certificate'));
        else
          resolve(
            createHash('sha256')
              .update(cert.publicKey.export({ type: 'spki', format: 'der' }))
              .digest('base64'),
          );
      },
    );
    req.once('error', reject);
    req.end();
  });
  expect(pin).toBe(`--ignore-certificate-errors-spki-list=${served}`);
});

test("Chromium with the simulator's flags loads the simulator and refuses any other self-signed certificate", async () => {
  sim = await WhatsAppSimulator.start({ adminPort: false });
  const pems = await generate([{ name: 'commonName', value: 'elsewhere.test' }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: 'elsewhere.test' }] }],
  });
  const server = createServer({ key: pems.private, cert: pems.cert }, (_req, res) => res.end('<p>not the simulator</p>'));
  other = server;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const otherPort = (server.address() as { port: number }).port;
  // One resolver rule list: the simulator's, plus elsewhere.test on the other server.
  const args = sim
    .chromiumArgs()
    .map((a) => (a.startsWith('--host-resolver-rules=') ? `${a}, MAP elsewhere.test 127.0.0.1:${otherPort}` : a));
  const launched = await launchBrowser({ args });
  try {
    const ok = await launched.page.goto(sim.url, { waitUntil: 'domcontentloaded' });
    expect(ok?.status()).toBe(200);
    await expect(launched.page.goto('https://elsewhere.test/', { waitUntil: 'domcontentloaded' })).rejects.toThrow(/ERR_CERT/);
  } finally {
    await closeBrowser(launched.browser, launched.pid);
  }
});
