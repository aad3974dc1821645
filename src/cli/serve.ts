import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { InvalidOptionError } from '../index';
import { SessionManager, type LeaseBackend, type SessionManagerOptions } from '../manager/index';
import { removeTokenFile, startDashboard, writeTokenFile, type Dashboard, type DashboardOptions } from '../serve/index';
import { METER_OPTIONS, METER_USAGE, meterOptions } from './serve-meters';
import { dashboardTransport, TRANSPORT_OPTIONS, TRANSPORT_USAGE } from './serve-transport';
import { DEFAULT_PHONE, openSimulator, phoneNumbers, phoneOption, type SimulatorLink } from './simulated';
import { openLeasesUrl, openStoreUrl, STORE_URL_ENV, storeUrlOption, type OpenedStore } from './store-url';
import { intOption, parse, stepLogger, untilSignal } from './util';

const TOKEN_ENV = 'WAWEB_DASHBOARD_TOKEN';

const USAGE = `usage: waweb serve --store URL --sessions ID[,ID...] [--leases] [--data-path DIR]
                   [--host ADDR] [--port N] [--chromium-arg ARG]...
                   [--tls-cert FILE --tls-key FILE | --tls-self-signed | --insecure-http]
                   [--allowed-host NAME]... [--cookie-max-age SECONDS] [--token-file FILE]
                   [--simulator | --simulator-url URL] [--phone NUMBER]
                   [--fallback-on-decryption-failure]
                   [--max-memory-mib N] [--max-cpu-percent N] [--cpu-window-ms N]
                   [--meter-interval-ms N] [--ceiling-interval-ms N]
                   [--session-limit ID:max-memory-mib=N,max-cpu-percent=N]...

Runs a SessionManager over the store and serves its dashboard: the sessions
live (with their QR codes), pairing by code, restart and logout, a JSON API
(/api/sessions) and Prometheus metrics (/metrics).

  --store URL         where backups go: file:DIR, postgres://..., mongodb://.../db,
                      each optionally prefixed by encrypted: (see 'waweb session');
                      default: WAWEB_STORE_URL (keeps a password out of ps)
  --sessions IDS      the sessions to run, comma-separated
  --leases            share the sessions with other workers through leases in
                      the store's own database (postgres: or mongodb: stores)
  --data-path DIR     local browser profiles (default ./.waweb_sessions)
  --fallback-on-decryption-failure
                      with an encrypted: store, restore an older generation when
                      the newest fails decryption (altered, replayed, unknown
                      key) instead of stopping that session's start
  --host ADDR         address of the dashboard (default 127.0.0.1); any other than
                      a loopback one needs TLS or --insecure-http
  --port N            its port (default 8080; 0 picks a free one)
${TRANSPORT_USAGE}
  --token-file FILE   where a made-up token goes when the output is not a
                      terminal (default DATA-PATH/dashboard-PORT.token)
  --chromium-arg ARG  an extra Chromium flag, repeatable, as 'waweb simulator'
                      prints them (its certificate pin and host rule), to run
                      against a simulator that is already running
  --simulator         start a local simulator instead of the real WhatsApp Web;
                      its phones scan the QR codes (the first session's phone is
                      --phone, default ${DEFAULT_PHONE}, the next ones count up)
  --simulator-url URL the same with a simulator already running: its phone API
                      as 'waweb simulator' prints it (http://127.0.0.1:PORT;
                      WAWEB_SIMULATOR_TOKEN when it requires one)
${METER_USAGE}

Every request needs the token: ${TOKEN_ENV} if set (16 characters or
more, never printed), else a random one: printed with the address on a
terminal, else written to --token-file (default DATA-PATH/dashboard-PORT.token,
mode 0600) and only that file's name printed. Open
https://HOST:PORT/?token=TOKEN in a browser once (a cookie for 12 h, or
--cookie-max-age; a restart revokes it), or send "Authorization: Bearer TOKEN".
Ctrl-C (or SIGTERM) stops the sessions, each with a last backup, then the dashboard.`;

function sessionList(value: string | boolean | undefined): string[] {
  const ids = typeof value === 'string' ? value.split(',').map((id) => id.trim()) : [];
  if (ids.length === 0 || ids.some((id) => id === ''))
    throw new InvalidOptionError(`--sessions needs a comma-separated list of ids\n\n${USAGE}`);
  return ids;
}

export async function runServe(argv: string[]): Promise<number> {
  const { values } = parse(
    argv,
    {
      store: { type: 'string' },
      sessions: { type: 'string' },
      leases: { type: 'boolean' },
      'data-path': { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string' },
      'chromium-arg': { type: 'string', multiple: true },
      simulator: { type: 'boolean' },
      'simulator-url': { type: 'string' },
      phone: { type: 'string' },
      'token-file': { type: 'string' },
      'fallback-on-decryption-failure': { type: 'boolean' },
      ...TRANSPORT_OPTIONS,
      ...METER_OPTIONS,
    },
    USAGE,
    { passThrough: ['chromium-arg'] },
  );
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const storeUrl = storeUrlOption(typeof values.store === 'string' ? values.store : undefined);
  if (storeUrl === undefined) throw new InvalidOptionError(`--store (or ${STORE_URL_ENV}) is required\n\n${USAGE}`);
  const sessions = sessionList(values.sessions);
  const port = intOption(values.port, 'port', 0, 65535) ?? 8080;
  const host = typeof values.host === 'string' ? values.host : '127.0.0.1';
  const rawArgs = values['chromium-arg'] as unknown;
  const extraArgs = Array.isArray(rawArgs) ? rawArgs.map(String) : [];
  const meters = meterOptions(values, sessions);
  const phones = phoneNumbers(phoneOption(values.phone), sessions.length);
  const envToken = process.env[TOKEN_ENV];
  const token = envToken !== undefined && envToken !== '' ? envToken : randomBytes(24).toString('base64url');
  const log = stepLogger();
  // Before anything starts: a refused address or an unreadable certificate stops here.
  const web = await dashboardTransport(values, host, USAGE);
  const dataPath = typeof values['data-path'] === 'string' ? values['data-path'] : undefined;

  const opened: OpenedStore = openStoreUrl(storeUrl);
  let leases: LeaseBackend | undefined;
  let manager: SessionManager | undefined;
  let dashboard: Dashboard | undefined;
  let sim: SimulatorLink | undefined;
  let tokenFile: string | undefined;
  try {
    sim = await openSimulator(values, log);
    const chromiumArgs = [...(sim?.chromiumArgs() ?? []), ...extraArgs];
    leases = values.leases ? openLeasesUrl(storeUrl) : undefined;
    const options: SessionManagerOptions = { store: opened.store, sessions, ...meters };
    if (leases) options.leases = leases;
    if (dataPath !== undefined) options.dataPath = dataPath;
    if (values['fallback-on-decryption-failure']) options.remoteAuth = { onDecryptionFailure: 'fallback' };
    if (chromiumArgs.length > 0) options.clientOptions = { puppeteer: { args: chromiumArgs } };
    manager = new SessionManager(options);
    manager.on('session.state', (info) => log(`${info.id}: ${info.state}${info.lastError ? ` (${info.lastError.code})` : ''}`));
    if (sim) {
      const simulator = sim;
      manager.on('session.qr', (id, qr) => simulator.scanSoon(phones[sessions.indexOf(id)] ?? phones[0] ?? DEFAULT_PHONE, qr));
    }
    manager.on('session.ceiling', (id, breach) =>
      log(
        `${id}: over its ${breach.kind} ceiling (${Math.round(breach.value)} > ${breach.limit}${breach.kind === 'memory' ? ' MiB' : ' %'}): saved and restarted`,
      ),
    );
    manager.on('lease.acquired', (id, lease) => log(`${id}: lease taken${lease.takenFrom ? ` over from ${lease.takenFrom}` : ''}`));

    // The dashboard first: a taken port fails before any browser starts.
    const dashboardOptions: DashboardOptions = { manager, token, host, port, ...web.options };
    dashboard = await startDashboard(dashboardOptions);
    log(`store ${opened.label}, worker ${manager.workerId}, sessions ${sessions.join(', ')}${leases ? ' (leases)' : ''}`);
    if (dashboard.certificate) {
      log(`dashboard certificate${web.selfSigned ? ' (self-signed)' : ''}: SHA-256 ${dashboard.certificate.sha256}`);
      log(`  its public key pin (SPKI SHA-256, base64): ${dashboard.certificate.spki}`);
    }
    if (envToken) log(`dashboard: ${dashboard.url}/  (token from ${TOKEN_ENV}; open ${dashboard.url}/?token=... once)`);
    else if (process.stdout.isTTY) log(`dashboard: ${dashboard.url}/?token=${token}`);
    else {
      // Logs keep what a service prints: the token goes to a file only this user can read.
      const file = resolve(
        typeof values['token-file'] === 'string'
          ? values['token-file']
          : join(dataPath ?? '.waweb_sessions', `dashboard-${dashboard.port}.token`),
      );
      await writeTokenFile(file, token);
      tokenFile = file;
      log(`dashboard: ${dashboard.url}/  (token in ${file}, mode 0600; open ${dashboard.url}/?token=... once)`);
    }
    await manager.start();
    log('Press Ctrl-C to stop.');
    const signal = await untilSignal();
    log(`${signal}: stopping the sessions (each takes a last backup)`);
    return 0;
  } finally {
    if (tokenFile !== undefined) await removeTokenFile(tokenFile);
    await manager?.close();
    await dashboard?.close();
    await leases?.close();
    await opened.close();
    await sim?.close();
  }
}
