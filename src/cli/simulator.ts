import { WhatsAppSimulator } from '../simulator/index';
import { SIMULATOR_TOKEN_ENV } from './simulated';
import { intOption, parse, untilSignal } from './util';

const USAGE = `usage: waweb simulator [--host ADDR] [--port N] [--admin-port N] [--state-file FILE] [--ref-interval-ms N] [--ref-rotations N]

Starts a local WhatsApp Web (served as https://web.whatsapp.com to a Chromium
launched with the printed flags) and its phone/admin HTTP API on loopback.
With WAWEB_SIMULATOR_TOKEN set (16 characters or more) the phone API requires
"Authorization: Bearer <token>", and --host may name an address beyond loopback.`;

export async function runSimulator(argv: string[]): Promise<number> {
  const { values } = parse(
    argv,
    {
      host: { type: 'string' },
      port: { type: 'string' },
      'admin-port': { type: 'string' },
      'state-file': { type: 'string' },
      'ref-interval-ms': { type: 'string' },
      'ref-rotations': { type: 'string' },
    },
    USAGE,
  );
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const options: Parameters<typeof WhatsAppSimulator.start>[0] = {};
  const port = intOption(values.port, 'port', 0, 65535);
  const adminPort = intOption(values['admin-port'], 'admin-port', 0, 65535);
  const refIntervalMs = intOption(values['ref-interval-ms'], 'ref-interval-ms', 100, 3_600_000);
  const refRotations = intOption(values['ref-rotations'], 'ref-rotations', 1, 1000);
  if (port !== undefined) options.port = port;
  if (adminPort !== undefined) options.adminPort = adminPort;
  if (refIntervalMs !== undefined) options.refIntervalMs = refIntervalMs;
  if (refRotations !== undefined) options.refRotations = refRotations;
  if (typeof values['state-file'] === 'string') options.stateFile = values['state-file'];
  if (typeof values.host === 'string') options.host = values.host;
  const token = process.env[SIMULATOR_TOKEN_ENV];
  if (token) options.adminToken = token;

  const sim = await WhatsAppSimulator.start(options);
  console.log(`WhatsApp Web simulator listening on ${options.host ?? '127.0.0.1'}:${sim.port}`);
  console.log(`  page:       ${sim.url}  (reached through the Chromium flags below)`);
  console.log(
    `  chromium:   ${sim
      .chromiumArgs()
      .map((a) => JSON.stringify(a))
      .join(' ')}`,
  );
  const auth = token ? ' -H "Authorization: Bearer $WAWEB_SIMULATOR_TOKEN"' : '';
  console.log(`  phone API:  ${sim.adminUrl ?? '(disabled)'}   e.g. curl${auth} ${sim.adminUrl ?? ''}/qr`);
  console.log(`  state:      ${options.stateFile ?? 'in memory'}`);
  console.log('Press Ctrl-C to stop.');
  const signal = await untilSignal();
  await sim.close();
  console.log(`simulator stopped (${signal})`);
  return 0;
}
