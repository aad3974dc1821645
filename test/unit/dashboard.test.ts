/**
 * The dashboard and the metrics over a SessionManager-shaped fake (no browser): the token guards
 * every route, the cookie flow, the sessions API merged with other workers' leases, the actions
 * calling through to the manager, the live event stream with QR images, and the Prometheus text.
 */
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { ErrorCode, InvalidOptionError, NotReadyError, StartTimeoutError } from '../../src/index';
import { createMetrics, startDashboard, type Dashboard } from '../../src/serve/index';
import { type ManagedSessionInfo } from '../../src/manager/index';
import { parentOf, processTreeMemory } from '../../src/serve/memory';
import { call, FakeManager, info } from '../helpers/dashboard';

const TOKEN = 'test-token-0123456789abcdef';

const bearer = { Authorization: `Bearer ${TOKEN}` };
const jsonBearer = { ...bearer, 'Content-Type': 'application/json' };

interface Stream {
  /** The next `sessions` event whose data satisfies `match` (earlier ones are skipped). */
  next(match: (view: any) => boolean): Promise<any>;
  ended: Promise<void>;
  close(): void;
}

/** Follows `/events`, parsing each `event:`/`data:` block. */
function follow(dashboard: Dashboard, headers: Record<string, string>): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const events: any[] = [];
    let waiter: (() => void) | undefined;
    let buffer = '';
    let endedResolve: () => void = () => undefined;
    const ended = new Promise<void>((r) => (endedResolve = r));
    const req = request(`${dashboard.url}/events`, { headers }, (res) => {
      if (res.statusCode !== 200) {
        reject(new Error(`/events answered ${res.statusCode}`));
        return;
      }
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const name = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (name === 'sessions' && data !== undefined) events.push(JSON.parse(data));
        }
        waiter?.();
      });
      res.on('end', endedResolve);
      res.on('close', endedResolve);
      resolve({
        ended,
        close: () => req.destroy(),
        next: async (match) => {
          for (;;) {
            const found = events.findIndex(match);
            if (found >= 0) {
              const [view] = events.splice(0, found + 1).slice(-1);
              return view;
            }
            events.length = 0;
            await new Promise<void>((r) => (waiter = r));
          }
        },
      });
    });
    req.on('error', reject);
    req.end();
  });
}

let manager: FakeManager;
let dashboard: Dashboard;

beforeEach(async () => {
  manager = new FakeManager();
  manager.sessions = [
    info('alpha', 'ready', { lastSave: { at: new Date(), generation: 7, bytes: 1000, durationMs: 250 } }),
    info('bravo', 'qr', { qr: 'ref-1,abc,def' }),
  ];
  dashboard = await startDashboard({ manager, token: TOKEN });
});

afterEach(async () => {
  await dashboard.close();
});

test('a token shorter than 16 characters is refused before anything listens', async () => {
  const err = await startDashboard({ manager, token: 'too-short' }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(InvalidOptionError);
  expect((err as InvalidOptionError).code).toBe(ErrorCode.INVALID_OPTION);
});

test('it listens on loopback by default', () => {
  expect(dashboard.url).toBe(`http://127.0.0.1:${dashboard.port}`);
});

test('every route answers 401 without the token or with a wrong one', async () => {
  const routes: Array<[string, string]> = [
    ['GET', '/'],
    ['GET', '/events'],
    ['GET', '/api/sessions'],
    ['GET', '/metrics'],
    ['POST', '/api/sessions/alpha/restart'],
    ['GET', '/nowhere'],
  ];
  for (const [method, path] of routes) {
    const refused: Array<Record<string, string>> = [
      {},
      { Authorization: 'Bearer wrong-token-0123456789' },
      { Authorization: TOKEN },
      { Cookie: `waweb_dashboard=${TOKEN}` },
    ];
    for (const headers of refused) {
      const reply = await call(dashboard, path, { method, headers: { ...headers, 'Content-Type': 'application/json' } });
      expect([method, path, reply.status]).toEqual([method, path, 401]);
      expect(reply.json.code).toBe('UNAUTHORIZED');
    }
  }
  expect((await call(dashboard, '/?token=wrong-token-0123456789')).status).toBe(401);
  expect(manager.calls).toEqual([]);
});

test('opening /?token= once sets an HttpOnly SameSite=Strict cookie and redirects to / without the token', async () => {
  const opened = await call(dashboard, `/?token=${encodeURIComponent(TOKEN)}`);
  expect(opened.status).toBe(303);
  expect(opened.headers.location).toBe('/');
  const setCookie = opened.headers['set-cookie']?.[0] ?? '';
  expect(setCookie).toMatch(/HttpOnly/);
  expect(setCookie).toMatch(/SameSite=Strict/);
  expect(setCookie).not.toContain(TOKEN);
  const cookie = setCookie.split(';')[0] as string;

  const page = await call(dashboard, '/', { headers: { Cookie: cookie } });
  expect(page.status).toBe(200);
  expect(page.headers['content-type']).toMatch(/text\/html/);
  expect(page.headers['content-security-policy']).toMatch(/script-src 'nonce-/);
  expect(page.text).toContain('data-sessions');
  expect(page.text).not.toContain('innerHTML');

  const api = await call(dashboard, '/api/sessions', { headers: { Cookie: cookie } });
  expect(api.status).toBe(200);
  expect(api.json.sessions.map((s: any) => s.id)).toEqual(['alpha', 'bravo']);
});

test('GET /api/sessions lists this worker’s sessions, merged with the sessions other workers hold', async () => {
  const expiresAt = new Date(Date.now() + 10_000);
  manager.leaseRecords = [
    { sessionId: 'alpha', owner: 'worker-a', token: 3, expiresAt, live: true },
    { sessionId: 'charlie', owner: 'worker-b', token: 9, expiresAt, live: true },
  ];
  const { status, json } = await call(dashboard, '/api/sessions', { headers: bearer });
  expect(status).toBe(200);
  expect(json.worker).toBe('worker-a');
  expect(json.leasesError).toBeNull();
  const [alpha, bravo, charlie] = json.sessions;
  expect(alpha).toMatchObject({ id: 'alpha', state: 'ready', label: 'CONNECTED', local: true, worker: 'worker-a', restarts: 0 });
  expect(alpha.lastSave).toMatchObject({ generation: 7, bytes: 1000, durationMs: 250 });
  expect(alpha.lease).toMatchObject({ owner: 'worker-a', token: 3, live: true });
  expect(bravo).toMatchObject({ id: 'bravo', state: 'qr', qr: 'ref-1,abc,def', local: true });
  expect(charlie).toMatchObject({ id: 'charlie', state: null, worker: 'worker-b', local: false, lease: { owner: 'worker-b', token: 9 } });
});

test('a session another worker runs shows its newest backup, read from the store in the background', async () => {
  const expiresAt = new Date(Date.now() + 10_000);
  manager.leaseRecords = [{ sessionId: 'delta', owner: 'worker-b', token: 4, expiresAt, live: true }];
  manager.backups.set('delta', { at: new Date('2026-11-30T01:02:03Z'), generation: 12, bytes: 5000 });
  const row = async (): Promise<Record<string, unknown>> =>
    ((await call(dashboard, '/api/sessions', { headers: bearer })).json.sessions as Array<Record<string, unknown>>).find(
      (x) => x['id'] === 'delta',
    ) as Record<string, unknown>;
  // The first view does not wait for the store; the read it started fills the next ones.
  expect((await row())['lastSave']).toBeNull();
  const deadline = Date.now() + 5000;
  while ((await row())['lastSave'] === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  expect((await row())['lastSave']).toEqual({ at: '2026-11-30T01:02:03.000Z', generation: 12, bytes: 5000, durationMs: null });
  // Read once, not on every view.
  expect(manager.calls.filter((c) => c === 'lastBackup delta')).toHaveLength(1);
  // This worker's own sessions are never read from the store.
  expect(manager.calls.some((c) => c === 'lastBackup alpha')).toBe(false);
});

test('GET /metrics gives the waweb metrics in Prometheus text, following the manager’s events', async () => {
  const first = await call(dashboard, '/metrics', { headers: bearer });
  expect(first.status).toBe(200);
  expect(first.headers['content-type']).toMatch(/^text\/plain/);
  for (const name of [
    'waweb_sessions',
    'waweb_session_saves_total',
    'waweb_session_save_failures_total',
    'waweb_session_save_duration_seconds',
    'waweb_session_restore_duration_seconds',
    'waweb_lease_takeovers_total',
    'waweb_lease_losses_total',
    'waweb_browser_memory_bytes',
    'process_cpu_user_seconds_total',
  ]) {
    expect(first.text).toContain(`# TYPE ${name} `);
  }
  expect(first.text).toContain('waweb_sessions{state="qr"} 1');
  expect(first.text).toContain('waweb_sessions{state="ready"} 1');
  expect(first.text).toContain('waweb_sessions{state="logged_out"} 0');
  expect(first.text).toContain('waweb_session_saves_total 0');
  if (process.platform === 'linux') expect(Number(/^waweb_browser_memory_bytes (\d+)$/m.exec(first.text)?.[1])).toBeGreaterThan(0);

  manager.set('bravo', { state: 'ready', qr: null });
  manager.fire('session.ready', 'bravo', { ms: 1500, restored: true });
  manager.fire('session.ready', 'alpha', { ms: 9000, restored: false });
  manager.fire('session.saved', 'bravo', { bytes: 10, durationMs: 300, generation: 8 });
  manager.fire('session.save_failed', 'bravo', new NotReadyError('x'));
  const lease = { sessionId: 'bravo', owner: 'worker-a', token: 4, expiresAt: new Date() };
  manager.fire('lease.acquired', 'bravo', { ...lease, takenFrom: 'worker-z' });
  manager.fire('lease.acquired', 'alpha', { ...lease, takenFrom: null });
  manager.fire('lease.lost', 'alpha', new NotReadyError('y'));

  const after = (await call(dashboard, '/metrics', { headers: bearer })).text;
  expect(after).toContain('waweb_sessions{state="qr"} 0');
  expect(after).toContain('waweb_sessions{state="ready"} 2');
  expect(after).toContain('waweb_session_saves_total 1');
  expect(after).toContain('waweb_session_save_failures_total 1');
  expect(after).toContain('waweb_session_save_duration_seconds_bucket{le="0.5"} 1');
  expect(after).toContain('waweb_session_restore_duration_seconds_count 1');
  expect(after).toContain('waweb_session_restore_duration_seconds_sum 1.5');
  expect(after).toContain('waweb_lease_takeovers_total 1');
  expect(after).toContain('waweb_lease_losses_total 1');
});

test('a session whose starts keep failing: its failed starts and reason are listed, `failed` is counted, and restart reaches the manager', async () => {
  const timeout = new StartTimeoutError('the app did not boot within authTimeoutMs (1500 ms)', {
    phase: 'boot',
    option: 'authTimeoutMs',
    timeoutMs: 1500,
    lastState: null,
    sessionFolder: undefined,
  });
  const lastError = { code: timeout.code, message: timeout.message };
  const nextStartAt = new Date('2026-12-06T21:00:00Z');
  manager.set('bravo', { state: 'restarting', qr: null, lastError, startFailures: 1, nextStartAt });
  const failure = {
    attempt: 1,
    maxAttempts: 2,
    code: timeout.code,
    disconnectReason: 'START_TIMEOUT' as const,
    error: timeout,
    retryInMs: 1000,
  };
  manager.fire('session.start_failed', 'bravo', failure);
  const backingOff = (await call(dashboard, '/api/sessions', { headers: bearer })).json.sessions as Array<Record<string, unknown>>;
  expect(backingOff.find((x) => x['id'] === 'bravo')).toMatchObject({
    state: 'restarting',
    startFailures: 1,
    nextStartAt: nextStartAt.toISOString(),
    lastError,
  });

  manager.set('bravo', { state: 'failed', startFailures: 2, nextStartAt: null });
  manager.fire('session.start_failed', 'bravo', { ...failure, attempt: 2, retryInMs: null });
  manager.fire('session.failed', 'bravo', { ...failure, attempt: 2, retryInMs: null });
  const failed = (await call(dashboard, '/api/sessions', { headers: bearer })).json.sessions as Array<Record<string, unknown>>;
  expect(failed.find((x) => x['id'] === 'bravo')).toMatchObject({
    state: 'failed',
    label: 'FAILED',
    startFailures: 2,
    nextStartAt: null,
    lastError,
  });
  const metrics = (await call(dashboard, '/metrics', { headers: bearer })).text;
  expect(metrics).toContain('waweb_sessions{state="failed"} 1');
  expect(metrics).toContain('waweb_session_start_failures_total{code="START_TIMEOUT"} 2');

  const restart = await call(dashboard, '/api/sessions/bravo/restart', { method: 'POST', headers: jsonBearer });
  expect(restart.status).toBe(202);
  expect(manager.calls).toEqual(['restart bravo']);
});

test('POST restart, logout and pairing-code call through to the manager', async () => {
  const restart = await call(dashboard, '/api/sessions/alpha/restart', { method: 'POST', headers: jsonBearer });
  expect(restart.status).toBe(202);
  const logout = await call(dashboard, '/api/sessions/alpha/logout', { method: 'POST', headers: jsonBearer });
  expect(logout.status).toBe(200);
  const code = await call(dashboard, '/api/sessions/bravo/pairing-code', {
    method: 'POST',
    headers: jsonBearer,
    body: JSON.stringify({ phone: '15550001111' }),
  });
  expect(code.status).toBe(200);
  expect(code.json.code).toBe('ABCD-1234');
  expect(manager.calls).toEqual(['restart alpha', 'logout alpha', 'pairing-code bravo 15550001111']);
});

test('an unknown session is a 404 with a code; one another worker runs is a 409', async () => {
  manager.leaseRecords = [{ sessionId: 'charlie', owner: 'worker-b', token: 1, expiresAt: new Date(), live: true }];
  const unknown = await call(dashboard, '/api/sessions/nobody/restart', { method: 'POST', headers: jsonBearer });
  expect(unknown.status).toBe(404);
  expect(unknown.json.code).toBe('NOT_FOUND');
  const elsewhere = await call(dashboard, '/api/sessions/charlie/logout', { method: 'POST', headers: jsonBearer });
  expect(elsewhere.status).toBe(409);
  expect(elsewhere.json.code).toBe('NOT_OWNER');
  const noRoute = await call(dashboard, '/api/sessions/alpha/explode', { method: 'POST', headers: jsonBearer });
  expect(noRoute.status).toBe(404);
  const wrongMethod = await call(dashboard, '/api/sessions/alpha/restart', { headers: bearer });
  expect(wrongMethod.status).toBe(405);
  expect(manager.calls).toEqual([]);
});

test('errors come back as JSON with the WawebError code and a status that fits', async () => {
  const noPhone = await call(dashboard, '/api/sessions/bravo/pairing-code', { method: 'POST', headers: jsonBearer, body: '{}' });
  expect([noPhone.status, noPhone.json.code]).toEqual([400, 'INVALID_OPTION']);
  const notJson = await call(dashboard, '/api/sessions/bravo/pairing-code', { method: 'POST', headers: jsonBearer, body: 'phone=1' });
  expect([notJson.status, notJson.json.code]).toEqual([400, 'BAD_REQUEST']);
  manager.pairingError = new NotReadyError('requestPairingCode() needs a started client that waits for a login');
  const notReady = await call(dashboard, '/api/sessions/bravo/pairing-code', {
    method: 'POST',
    headers: jsonBearer,
    body: '{"phone":"15550001111"}',
  });
  expect([notReady.status, notReady.json.code]).toEqual([409, 'NOT_READY']);
});

test('a pairing code over a held session is a 409 SESSION_EXISTS unless the body says force: true', async () => {
  manager.holding.add('bravo');
  const post = (body: string) => call(dashboard, '/api/sessions/bravo/pairing-code', { method: 'POST', headers: jsonBearer, body });
  const refused = await post('{"phone":"15550001111"}');
  expect([refused.status, refused.json.code]).toEqual([409, 'SESSION_EXISTS']);
  const notForced = await post('{"phone":"15550001111","force":false}');
  expect([notForced.status, notForced.json.code]).toEqual([409, 'SESSION_EXISTS']);
  const badForce = await post('{"phone":"15550001111","force":"yes"}');
  expect([badForce.status, badForce.json.code]).toEqual([400, 'INVALID_OPTION']);
  const forced = await post('{"phone":"15550001111","force":true}');
  expect([forced.status, forced.json]).toEqual([200, { id: 'bravo', code: 'ABCD-1234' }]);
  // The bad force never reached the manager; only the last call was forced.
  expect(manager.calls).toEqual([
    'pairing-code bravo 15550001111',
    'pairing-code bravo 15550001111',
    'pairing-code bravo 15550001111 force',
  ]);
});

test('a POST with the cookie must be same-origin JSON; a form or another origin is refused', async () => {
  const opened = await call(dashboard, `/?token=${TOKEN}`);
  const cookie = (opened.headers['set-cookie']?.[0] ?? '').split(';')[0] as string;
  const host = `127.0.0.1:${dashboard.port}`;
  const path = '/api/sessions/alpha/restart';
  const form = await call(dashboard, path, {
    method: 'POST',
    headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
  });
  expect([form.status, form.json.code]).toEqual([403, 'FORBIDDEN']);
  const foreign = await call(dashboard, path, {
    method: 'POST',
    headers: { Cookie: cookie, 'Content-Type': 'application/json', Origin: 'http://evil.example' },
  });
  expect(foreign.status).toBe(403);
  const crossSite = await call(dashboard, path, {
    method: 'POST',
    headers: { Cookie: cookie, 'Content-Type': 'application/json', 'Sec-Fetch-Site': 'cross-site' },
  });
  expect(crossSite.status).toBe(403);
  expect(manager.calls).toEqual([]);
  const same = await call(dashboard, path, {
    method: 'POST',
    headers: { Cookie: cookie, 'Content-Type': 'application/json', Origin: `http://${host}`, 'Sec-Fetch-Site': 'same-origin' },
  });
  expect(same.status).toBe(202);
  expect(manager.calls).toEqual(['restart alpha']);
});

test('/events pushes the sessions with the waiting QR as an image, and a new image with each new QR', async () => {
  const stream = await follow(dashboard, bearer);
  try {
    const first = await stream.next((v) => v.sessions.some((s: any) => s.id === 'bravo' && s.qrImage));
    const bravo = first.sessions.find((s: any) => s.id === 'bravo');
    expect(bravo.qrImage).toMatch(/^data:image\/png;base64,/);
    expect(first.sessions.find((s: any) => s.id === 'alpha')).toMatchObject({ label: 'CONNECTED', qrImage: null });

    manager.sessions[1] = { ...(manager.sessions[1] as ManagedSessionInfo), qr: 'ref-2,abc,def' };
    manager.fire('session.qr', 'bravo', 'ref-2,abc,def');
    const second = await stream.next((v) => v.sessions.some((s: any) => s.id === 'bravo' && s.qr === 'ref-2,abc,def'));
    const image = second.sessions.find((s: any) => s.id === 'bravo').qrImage;
    expect(image).toMatch(/^data:image\/png;base64,/);
    expect(image).not.toBe(bravo.qrImage);

    manager.set('bravo', { state: 'ready', qr: null });
    const ready = await stream.next((v) => v.sessions.some((s: any) => s.id === 'bravo' && s.state === 'ready'));
    expect(ready.sessions.find((s: any) => s.id === 'bravo')).toMatchObject({ label: 'CONNECTED', qrImage: null });
  } finally {
    stream.close();
  }
});

test('close() ends open event streams, stops listening to the manager, and is idempotent', async () => {
  const stream = await follow(dashboard, bearer);
  await stream.next(() => true);
  expect(manager.listenerCount('session.state')).toBeGreaterThan(0);
  await Promise.all([dashboard.close(), dashboard.close()]);
  await stream.ended;
  expect(manager.listenerCount('session.state')).toBe(0);
  expect(manager.listenerCount('session.saved')).toBe(0);
  await expect(call(dashboard, '/api/sessions', { headers: bearer })).rejects.toThrow();
});

test('createMetrics gives a registry of its own that a server of one’s own can serve', async () => {
  const metrics = createMetrics(manager, { defaultMetrics: false });
  try {
    const text = await metrics.registry.metrics();
    expect(text).toContain('waweb_sessions{state="starting"} 0');
    expect(text).not.toContain('process_cpu_user_seconds_total');
  } finally {
    metrics.close();
    metrics.close();
  }
  // Only the dashboard's own metrics listen now.
  expect(manager.listenerCount('session.saved')).toBe(2);
});

test('browser memory counts a process and all its descendants', async () => {
  expect(parentOf('123 (a) b (c)) S 45 123 123 0')).toBe(45);
  expect(parentOf('garbage')).toBeUndefined();
  if (process.platform !== 'linux') return;
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  try {
    await new Promise<void>((resolve, reject) => child.once('spawn', resolve).once('error', reject));
    const childOnly = await processTreeMemory([child.pid as number]);
    const tree = await processTreeMemory([process.pid]);
    expect(childOnly).toBeGreaterThan(0);
    expect(tree).toBeGreaterThan(childOnly);
  } finally {
    child.kill();
  }
});
