/**
 * `waweb doctor`: is WhatsApp Web still what waweb expects? Starts a browser with waweb's Client (the
 * launch, flags and environment a bot gets) on the real page or a simulator, and reports the build,
 * the contract check, the browser and what the page can tell about it (user agent, client hints,
 * `navigator.webdriver`), and the login when a session is given. Bot authors run it after every
 * WhatsApp update; the exit code says healthy, broken or unreachable (docs/doctor.md).
 */
import {
  BrowserError,
  BrowserNotFoundError,
  Client,
  findChromium,
  IncompatibleWebError,
  LocalAuth,
  NoAuth,
  PageError,
  StartTimeoutError,
  WawebError,
  type AuthStrategy,
  type Logger,
  type WebContractMiss,
} from '../index';
import { fingerprintFindings, readFingerprint, type FingerprintFinding, type SeenFingerprint } from './doctor-fingerprint';
import { openSimulator, phoneOption, type SimulatorLink } from './simulated';
import { intOption, parse, untilSignal } from './util';

const USAGE = `usage: waweb doctor [--json] [--simulator | --simulator-url URL]
                    [--client-id ID] [--data-path DIR] [--phone NUMBER]
                    [--browser-arg FLAG]... [--timeout SECONDS]

Starts Chromium as a bot does (waweb's Client), opens WhatsApp Web and reports
its build, the page contract check, the browser and its fingerprint (user agent
and client hints against the running Chromium, navigator.webdriver). Without a
session it stops at the QR (a QR means the page works); with --client-id or
--data-path it logs that LocalAuth session in (with a simulator, its phone
scans the QR). Run it after every WhatsApp update.

  --json              print one JSON object (fields in docs/doctor.md)
  --simulator         a local simulator instead of the real page (offline)
  --simulator-url URL a simulator already running ('waweb simulator')
  --browser-arg FLAG  an extra Chromium flag (repeatable), e.g.
                      --browser-arg=--host-resolver-rules=MAP * 127.0.0.1:1
  --timeout SECONDS   each phase's deadline: load, boot, login (default 30)

exit codes:
  0  healthy
  1  bad command line
  2  broken: contract members missing (INCOMPATIBLE_WEB when the login needs
     them), a fingerprint finding, or the login failed
  3  WhatsApp Web could not be reached (the page did not load in time)
  4  the browser could not be started`;

export const DOCTOR_EXIT = { healthy: 0, usage: 1, broken: 2, unreachable: 3, noBrowser: 4 } as const;

export interface DoctorReport {
  ok: boolean;
  exitCode: number;
  /** `web` (the real WhatsApp Web) or `simulator`. */
  target: 'web' | 'simulator';
  /** The app's build (`Debug.VERSION`); null when it never booted. */
  build: string | null;
  /** `checked`: how many manifest rows the boot's check covered (null when the start failed before it was read). */
  contract: { ok: boolean; checked: number | null; missing: WebContractMiss[]; featuresOff: string[] } | null;
  browser: { executable: string | null; version: string } | null;
  fingerprint: (SeenFingerprint & { findings: FingerprintFinding[] }) | null;
  login: { session: 'none' | 'local'; result: 'qr' | 'ready' | 'failed' | 'not-reached'; detail: string | null; wid: string | null };
  error: { code: string; message: string; phase: string | null } | null;
}

function errorOf(err: unknown): { code: string; message: string; phase: string | null } {
  if (err instanceof StartTimeoutError) return { code: err.code, message: err.message, phase: err.phase };
  if (err instanceof WawebError) {
    const cause = err.cause instanceof Error ? `: ${err.cause.message.split('\n')[0] ?? ''}` : '';
    return { code: err.code, message: `${err.message}${cause}`, phase: null };
  }
  return { code: 'UNKNOWN', message: err instanceof Error ? err.message : String(err), phase: null };
}

/** Which exit code a failed start means: no browser, no page, or a page that is not what waweb needs. */
function exitFor(err: unknown): number {
  if (err instanceof BrowserNotFoundError || err instanceof BrowserError) return DOCTOR_EXIT.noBrowser;
  if (err instanceof StartTimeoutError) {
    if (err.phase === 'launch') return DOCTOR_EXIT.noBrowser;
    if (err.phase === 'page-load') return DOCTOR_EXIT.unreachable;
  }
  // A navigation that failed (connection refused, no DNS) carries the browser's error as its cause.
  if (err instanceof PageError && err.cause !== undefined) return DOCTOR_EXIT.unreachable;
  return DOCTOR_EXIT.broken;
}

type Outcome = { kind: 'qr' } | { kind: 'ready' } | { kind: 'failed'; detail: string };

export async function runDoctor(argv: string[]): Promise<number> {
  const { values } = parse(
    argv,
    {
      json: { type: 'boolean' },
      simulator: { type: 'boolean' },
      'simulator-url': { type: 'string' },
      'client-id': { type: 'string' },
      'data-path': { type: 'string' },
      phone: { type: 'string' },
      'browser-arg': { type: 'string', multiple: true },
      timeout: { type: 'string' },
    },
    USAGE,
    { passThrough: ['browser-arg'] },
  );
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const json = values.json === true;
  const browserArgs = (values['browser-arg'] as unknown as string[] | undefined) ?? [];
  const phaseMs = (intOption(values.timeout, 'timeout', 1, 3600) ?? 30) * 1000;
  const phone = phoneOption(values.phone);
  const clientId = values['client-id'];
  const dataPath = values['data-path'];
  const session = clientId !== undefined || dataPath !== undefined;
  const authStrategy: AuthStrategy = session
    ? new LocalAuth({
        ...(typeof clientId === 'string' ? { clientId } : {}),
        ...(typeof dataPath === 'string' ? { dataPath } : {}),
      })
    : new NoAuth();
  // With --json, stdout carries the JSON object alone.
  const log = (message: string): void => (json ? console.error(message) : console.log(message));
  const sim = await openSimulator(values, log);
  const report: DoctorReport = {
    ok: false,
    exitCode: DOCTOR_EXIT.broken,
    target: sim ? 'simulator' : 'web',
    build: null,
    contract: null,
    browser: null,
    fingerprint: null,
    login: { session: session ? 'local' : 'none', result: 'not-reached', detail: null, wid: null },
    error: null,
  };
  let client: Client | undefined;
  try {
    client = new Client({
      authStrategy,
      logger: browserLogger(report),
      qrMaxRetries: 0,
      pageLoadTimeoutMs: phaseMs,
      authTimeoutMs: phaseMs,
      loginTimeoutMs: phaseMs,
      puppeteer: { args: [...(sim?.chromiumArgs() ?? []), ...browserArgs] },
    });
    report.exitCode = await examine(client, sim, phone, session, report);
  } catch (err) {
    // Whatever else went wrong is still one report (a JSON object with --json), never a bare stack.
    report.error ??= errorOf(err);
    report.exitCode = DOCTOR_EXIT.broken;
  } finally {
    await client?.destroy();
    await sim?.close();
  }
  report.ok = report.exitCode === DOCTOR_EXIT.healthy;
  console.log(json ? JSON.stringify(report, null, 2) : describe(report));
  return report.exitCode;
}

/** Starts `client`, fills `report` in, and returns the exit code. */
async function examine(
  client: Client,
  sim: SimulatorLink | undefined,
  phone: string,
  session: boolean,
  report: DoctorReport,
): Promise<number> {
  const outcome = new Promise<Outcome>((resolve) => {
    client.on('qr', (qr) => {
      if (!session) resolve({ kind: 'qr' });
      else if (sim) sim.scanSoon(phone, qr);
      else resolve({ kind: 'failed', detail: 'the session is not logged in: WhatsApp Web shows a QR' });
    });
    client.once('ready', () => resolve({ kind: 'ready' }));
    client.once('auth_failure', (failure) => resolve({ kind: 'failed', detail: `auth_failure: ${failure.message}` }));
    client.on('error', (err) => {
      if (err instanceof StartTimeoutError) resolve({ kind: 'failed', detail: err.message });
    });
    client.once('disconnected', (reason) => resolve({ kind: 'failed', detail: `disconnected: ${reason}` }));
    untilSignal().then(
      (signal) => resolve({ kind: 'failed', detail: `stopped by ${signal}` }),
      () => undefined,
    );
  });
  try {
    await client.initialize();
  } catch (err) {
    report.error = errorOf(err);
    if (err instanceof IncompatibleWebError) {
      report.build = err.build;
      report.contract = { ok: false, checked: null, missing: [...err.missing], featuresOff: featuresOff(err.missing) };
    }
    return exitFor(err);
  }
  const contract = client.webContract;
  report.build = contract?.build ?? null;
  const missing = contract?.missing ?? [];
  report.contract = {
    ok: missing.length === 0,
    checked: contract?.checked ?? null,
    missing: [...missing],
    featuresOff: featuresOff(missing),
  };
  const result = await outcome;
  if (result.kind === 'failed') report.login = { ...report.login, result: 'failed', detail: result.detail };
  else if (result.kind === 'qr')
    report.login = { ...report.login, result: 'qr', detail: 'no session given: the QR shows, so the page works' };
  else {
    report.login = { ...report.login, result: 'ready', wid: client.info?.wid._serialized ?? null };
    report.build = await client.getWWebVersion();
  }
  // Read once the page has settled on its QR or the logged-in app (a login may reload it before).
  const page = client.pupPage;
  if (report.browser && page) {
    try {
      const seen = await readFingerprint(page);
      report.fingerprint = { ...seen, findings: fingerprintFindings(seen, report.browser.version) };
    } catch (err) {
      // Left null, which counts as a break: the page went away before it could be read.
      report.error ??= errorOf(err);
    }
  }
  const broken = !report.contract.ok || (report.fingerprint?.findings.length ?? 1) > 0 || result.kind === 'failed';
  return broken ? DOCTOR_EXIT.broken : DOCTOR_EXIT.healthy;
}

/**
 * A logger that keeps the client's `browser started` record (docs/client.md, "Logging"): the browser is
 * reported even when the start fails after the launch (page unreachable, INCOMPATIBLE_WEB).
 */
function browserLogger(report: DoctorReport): Logger {
  const nothing = (): void => undefined;
  return {
    trace: nothing,
    debug: nothing,
    warn: nothing,
    error: nothing,
    info: (fields, message) => {
      if (message !== 'browser started' || typeof fields['version'] !== 'string') return;
      report.browser = { executable: fields['owned'] === false ? null : launchedExecutable(), version: fields['version'] };
    },
  };
}

/** The Chromium the client launches when no path is given: the same search, with the same defaults. */
function launchedExecutable(): string | null {
  try {
    return findChromium();
  } catch {
    return null;
  }
}

function featuresOff(missing: readonly WebContractMiss[]): string[] {
  return [...new Set(missing.map((m) => m.feature))];
}

/** The report for a terminal. */
function describe(r: DoctorReport): string {
  const lines: string[] = [`waweb doctor: ${r.target === 'simulator' ? 'the WhatsApp Web simulator' : 'WhatsApp Web'}`];
  const row = (name: string, text: string): number => lines.push(`  ${name.padEnd(12)}${text}`);
  row('build', r.build ?? '(the app did not boot)');
  if (r.contract) {
    const checked = r.contract.checked === null ? '' : ` (${r.contract.checked} checked)`;
    if (r.contract.ok) row('contract', `OK: every module and member waweb uses is there${checked}`);
    for (const m of r.contract.missing) {
      row('contract', `${m.module}.${m.member}: ${m.found === 'missing' ? 'missing' : `a ${m.found}, not a ${m.expected}`} (${m.feature})`);
    }
    if (r.contract.featuresOff.length > 0) row('', `switched off: ${r.contract.featuresOff.join(', ')}`);
  }
  if (r.browser) row('browser', `${r.browser.version} (${r.browser.executable ?? 'connected'})`);
  if (r.fingerprint) {
    row('user agent', r.fingerprint.userAgent);
    row('webdriver', String(r.fingerprint.webdriver));
    if (r.fingerprint.findings.length === 0) row('fingerprint', 'OK: user agent and client hints match the browser');
    for (const f of r.fingerprint.findings) row('fingerprint', `${f.code}: ${f.message}`);
  }
  row(
    'login',
    `${r.login.session === 'none' ? 'no session' : 'LocalAuth session'}: ${r.login.result}${r.login.detail ? ` (${r.login.detail})` : ''}`,
  );
  if (r.error) row('error', `${r.error.code}: ${r.error.message}`);
  const verdict = ['healthy', 'bad command line', 'broken', 'WhatsApp Web unreachable', 'no browser'][r.exitCode] ?? 'failed';
  row('result', `${verdict} (exit ${r.exitCode})`);
  return lines.join('\n');
}
