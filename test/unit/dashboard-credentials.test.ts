/**
 * Issue 24, point 3: the dashboard's credentials. The cookie's attributes over plain HTTP and over
 * TLS, its expiry checked by the server, its revocation when the dashboard restarts with the same
 * token, the refusal of plain HTTP on an address other machines reach, and the Host allowlist.
 */
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { ErrorCode, InvalidOptionError } from '../../src/index';
import { selfSignedCertificate, startDashboard, type Dashboard, type DashboardOptions } from '../../src/serve/index';
import { call, FakeManager, info } from '../helpers/dashboard';

const TOKEN = 'credentials-token-0123456789';
const bearer = { Authorization: `Bearer ${TOKEN}` };

let manager: FakeManager;
const open: Dashboard[] = [];
let cert: Awaited<ReturnType<typeof selfSignedCertificate>>;

beforeAll(async () => {
  cert = await selfSignedCertificate(['127.0.0.1', 'localhost', '::1']);
});

beforeEach(() => {
  manager = new FakeManager();
  manager.sessions = [info('alpha', 'ready')];
});

afterEach(async () => {
  jest.restoreAllMocks();
  for (const d of open.splice(0)) await d.close();
});

async function start(options: Partial<DashboardOptions> = {}): Promise<Dashboard> {
  const dashboard = await startDashboard({ manager, token: TOKEN, ...options });
  open.push(dashboard);
  return dashboard;
}

/** Opens `/?token=` and returns the Set-Cookie header and the `name=value` pair to send back. */
async function login(dashboard: Dashboard, ca?: string | Buffer): Promise<{ setCookie: string; cookie: string }> {
  const opened = await call(dashboard, `/?token=${TOKEN}`, { ca });
  expect(opened.status).toBe(303);
  const setCookie = opened.headers['set-cookie']?.[0] ?? '';
  return { setCookie, cookie: setCookie.split(';')[0] as string };
}

function attributes(setCookie: string): string[] {
  return setCookie
    .split(';')
    .slice(1)
    .map((a) => a.trim());
}

test('over plain HTTP the cookie carries the port in its name, is HttpOnly, SameSite=Strict, for /, with a 12 h Max-Age, and no token', async () => {
  const dashboard = await start();
  const { setCookie, cookie } = await login(dashboard);
  expect(cookie.split('=')[0]).toBe(`waweb_dashboard_${dashboard.port}`);
  expect(attributes(setCookie).sort()).toEqual(['HttpOnly', 'Max-Age=43200', 'Path=/', 'SameSite=Strict']);
  expect(setCookie).not.toContain(TOKEN);
  expect((await call(dashboard, '/api/sessions', { headers: { Cookie: cookie } })).status).toBe(200);
});

test('cookieMaxAgeSeconds sets Max-Age, and the server refuses the cookie once that has passed', async () => {
  const dashboard = await start({ cookieMaxAgeSeconds: 600 });
  const { setCookie, cookie } = await login(dashboard);
  expect(attributes(setCookie)).toContain('Max-Age=600');
  const now = Date.now();
  jest.spyOn(Date, 'now').mockReturnValue(now + 599_000);
  expect((await call(dashboard, '/api/sessions', { headers: { Cookie: cookie } })).status).toBe(200);
  jest.spyOn(Date, 'now').mockReturnValue(now + 601_000);
  const expired = await call(dashboard, '/api/sessions', { headers: { Cookie: cookie } });
  expect([expired.status, expired.json.code]).toEqual([401, 'UNAUTHORIZED']);
});

test('a cookie with its expiry moved, or made up in the right shape, is refused', async () => {
  const dashboard = await start();
  const { cookie } = await login(dashboard);
  const [name, value] = cookie.split('=') as [string, string];
  const [expires, mac] = value.split('.') as [string, string];
  const moved = `${name}=${Number(expires) + 3600}.${mac}`;
  const madeUp = `${name}=${expires}.${'A'.repeat(43)}`;
  for (const forged of [moved, madeUp, `${name}=${TOKEN}`, `${name}=`]) {
    expect([forged, (await call(dashboard, '/api/sessions', { headers: { Cookie: forged } })).status]).toEqual([forged, 401]);
  }
});

test('under TLS the dashboard serves HTTPS with the given certificate and the cookie is __Host- and Secure', async () => {
  const dashboard = await start({ tls: { cert: cert.cert, key: cert.key } });
  expect(dashboard.url).toBe(`https://127.0.0.1:${dashboard.port}`);
  expect(dashboard.certificate).toEqual({ sha256: cert.sha256, spki: cert.spki });
  const { setCookie, cookie } = await login(dashboard, cert.cert);
  expect(cookie.split('=')[0]).toBe(`__Host-waweb_dashboard_${dashboard.port}`);
  expect(attributes(setCookie).sort()).toEqual(['HttpOnly', 'Max-Age=43200', 'Path=/', 'SameSite=Strict', 'Secure']);
  const api = await call(dashboard, '/api/sessions', { headers: { Cookie: cookie }, ca: cert.cert });
  expect(api.status).toBe(200);
  expect(api.peer?.fingerprint256).toBe(cert.sha256);
  // The plain-HTTP name is not accepted for it.
  const plainName = cookie.replace('__Host-', '');
  expect((await call(dashboard, '/api/sessions', { headers: { Cookie: plainName }, ca: cert.cert })).status).toBe(401);
});

test('a restart with the same token revokes every cookie handed out before it; the bearer token still works', async () => {
  const first = await start();
  const { cookie } = await login(first);
  expect((await call(first, '/api/sessions', { headers: { Cookie: cookie } })).status).toBe(200);
  await first.close();
  const second = await start({ port: first.port });
  expect(second.port).toBe(first.port);
  const revoked = await call(second, '/api/sessions', { headers: { Cookie: cookie } });
  expect([revoked.status, revoked.json.code]).toEqual([401, 'UNAUTHORIZED']);
  expect((await call(second, '/api/sessions', { headers: bearer })).status).toBe(200);
  const again = await login(second);
  expect((await call(second, '/api/sessions', { headers: { Cookie: again.cookie } })).status).toBe(200);
});

test('an address other machines reach is refused without TLS, unless insecureHttp says so', async () => {
  for (const host of ['0.0.0.0', '::', '10.1.2.3', 'dashboard.example']) {
    const err = await start({ host }).catch((e: unknown) => e);
    expect([host, err]).toEqual([host, expect.any(InvalidOptionError)]);
    expect((err as InvalidOptionError).code).toBe(ErrorCode.INVALID_OPTION);
  }
  const insecure = await start({ host: '0.0.0.0', insecureHttp: true });
  expect((await call({ url: `http://127.0.0.1:${insecure.port}` }, '/api/sessions', { headers: bearer })).status).toBe(200);
  const secure = await start({ host: '0.0.0.0', tls: { cert: cert.cert, key: cert.key } });
  expect(secure.url).toMatch(/^https:/);
  const reply = await call({ url: `https://127.0.0.1:${secure.port}` }, '/api/sessions', { headers: bearer, ca: cert.cert });
  expect(reply.status).toBe(200);
  // Loopback needs neither.
  for (const host of ['127.0.0.1', '::1', 'localhost']) expect((await start({ host })).url).toMatch(/^http:/);
});

test('tls must be a certificate and its key', async () => {
  const other = await selfSignedCertificate(['127.0.0.1']);
  const wrong = [
    { cert: 'not a pem', key: cert.key },
    { cert: cert.cert, key: '' },
    { cert: cert.cert },
    { cert: cert.cert, key: other.key },
  ];
  for (const tls of wrong) {
    const err = await start({ tls: tls as never }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidOptionError);
  }
});

test('a Host the dashboard was not bound to is answered 421 before the token is looked at', async () => {
  const dashboard = await start();
  const port = dashboard.port;
  for (const host of [`evil.example:${port}`, `127.0.0.1.evil.example:${port}`, `localhost.evil.example`, `10.0.0.1:${port}`]) {
    for (const path of ['/api/sessions', `/?token=${TOKEN}`]) {
      const reply = await call(dashboard, path, { headers: { ...bearer, Host: host } });
      expect([host, path, reply.status, reply.json?.code]).toEqual([host, path, 421, 'MISDIRECTED_REQUEST']);
      expect(reply.headers['set-cookie']).toBeUndefined();
    }
  }
  for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `app.localhost:${port}`, '127.0.0.1']) {
    expect([host, (await call(dashboard, '/api/sessions', { headers: { ...bearer, Host: host } })).status]).toEqual([host, 200]);
  }
  expect(manager.calls).toEqual([]);
});

test('allowedHosts adds names; a wildcard bind answers this machine’s addresses, not other names', async () => {
  const named = await start({ allowedHosts: ['dash.example.com'] });
  expect((await call(named, '/api/sessions', { headers: { ...bearer, Host: `dash.example.com:${named.port}` } })).status).toBe(200);
  expect((await call(named, '/api/sessions', { headers: { ...bearer, Host: 'other.example.com' } })).status).toBe(421);

  const wildcard = await start({ host: '0.0.0.0', insecureHttp: true });
  const local = { url: `http://127.0.0.1:${wildcard.port}` };
  const addresses = Object.values(networkInterfaces()).flatMap((l) => (l ?? []).filter((a) => a.family === 'IPv4').map((a) => a.address));
  for (const address of addresses) {
    expect([address, (await call(local, '/api/sessions', { headers: { ...bearer, Host: `${address}:${wildcard.port}` } })).status]).toEqual(
      [address, 200],
    );
  }
  expect((await call(local, '/api/sessions', { headers: { ...bearer, Host: 'evil.example' } })).status).toBe(421);

  const err = await start({ allowedHosts: ['dash.example.com:8080'] }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(InvalidOptionError);
});

test('a request without a Host header (HTTP/1.0) is answered 421', async () => {
  const dashboard = await start();
  const answer = await new Promise<string>((resolve, reject) => {
    const socket = connect(dashboard.port, '127.0.0.1', () =>
      socket.end(`GET /api/sessions HTTP/1.0\r\nAuthorization: Bearer ${TOKEN}\r\n\r\n`),
    );
    let text = '';
    socket.on('data', (c: Buffer) => (text += c.toString()));
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
  });
  expect(answer).toMatch(/^HTTP\/1\.[01] 421 /);
});
