import { Client, LocalAuth } from '../index';
import { openSimulator, phoneOption } from './simulated';
import { intOption, parse, stepLogger, terminalQr, untilSignal } from './util';

const USAGE = `usage: waweb login --client-id ID [--data-path DIR] [--qr-max-retries N]
                   [--simulator | --simulator-url URL] [--phone NUMBER]

Logs in a LocalAuth session (<data-path>/session-<ID>) and exits once it is
ready. Shows the QR in the terminal; scan it with WhatsApp on your phone.
--simulator starts a local simulator instead of the real WhatsApp Web, and its
phone scans the QR after a moment, so this works offline; --simulator-url does
the same with a simulator already running ('waweb simulator' prints its phone
API URL; WAWEB_SIMULATOR_TOKEN when it requires one).`;

export async function runLogin(argv: string[]): Promise<number> {
  const { values } = parse(
    argv,
    {
      'client-id': { type: 'string' },
      'data-path': { type: 'string' },
      'qr-max-retries': { type: 'string' },
      simulator: { type: 'boolean' },
      'simulator-url': { type: 'string' },
      phone: { type: 'string' },
    },
    USAGE,
  );
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const log = stepLogger();
  const authStrategy = new LocalAuth({
    ...(typeof values['client-id'] === 'string' ? { clientId: values['client-id'] } : {}),
    ...(typeof values['data-path'] === 'string' ? { dataPath: values['data-path'] } : {}),
  });
  const qrMaxRetries = intOption(values['qr-max-retries'], 'qr-max-retries', 0, 100) ?? 0;
  const phone = phoneOption(values.phone);
  const sim = await openSimulator(values, log);
  const client = new Client({ authStrategy, qrMaxRetries, ...(sim ? { puppeteer: { args: sim.chromiumArgs() } } : {}) });
  try {
    log(`session folder: ${authStrategy.userDataDir}`);
    client.on('qr', (qr) => {
      terminalQr(qr).then(
        (art) => console.log(`${art}\nScan this QR with WhatsApp (Linked devices).`),
        () => console.log(`QR: ${qr}`),
      );
      sim?.scanSoon(phone, qr);
    });
    client.on('auth_failure', (failure) => log(`auth_failure: ${failure.message}`));
    client.on('authenticated', () => log('authenticated'));
    const outcome = new Promise<string>((resolve) => {
      client.once('ready', () => resolve('ready'));
      client.once('disconnected', (reason) => resolve(reason));
      untilSignal().then(resolve, () => undefined);
    });
    await client.initialize();
    const result = await outcome;
    if (result !== 'ready') {
      log(`stopped: ${result}`);
      return 1;
    }
    log(`ready as ${client.info?.wid._serialized ?? '?'} (${client.info?.pushname ?? ''}); session saved`);
    return 0;
  } finally {
    await client.destroy();
    await sim?.close();
  }
}
