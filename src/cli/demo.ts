import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, LocalAuth } from '../index';
import { WhatsAppSimulator } from '../simulator/index';
import { parse, stepLogger, terminalQr } from './util';

const USAGE = `usage: waweb demo [--keep]

Runs everything offline: starts a WhatsApp Web simulator, logs a LocalAuth
client in (QR shown, the simulated phone scans it), receives a message and
replies, then restarts and restores the session without a QR. --keep leaves
the session folder in place and prints where it is.`;

export async function runDemo(argv: string[]): Promise<number> {
  const { values } = parse(argv, { keep: { type: 'boolean' } }, USAGE);
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const log = stepLogger();
  const dataPath = await mkdtemp(join(tmpdir(), 'waweb-demo-'));
  const sim = await WhatsAppSimulator.start();
  const phone = sim.phone('15550001234', { pushname: 'Demo Phone' });
  const clients: Client[] = [];
  // Ends every pending wait when the demo stops early, so no timer outlives it.
  const stop = new AbortController();
  const newClient = (): Client => {
    const client = new Client({ authStrategy: new LocalAuth({ clientId: 'demo', dataPath }), puppeteer: { args: sim.chromiumArgs() } });
    clients.push(client);
    client.on('change_state', (state) => log(`  change_state ${state}`));
    return client;
  };
  try {
    log(`simulator up on 127.0.0.1:${sim.port}, phone API ${sim.adminUrl ?? '-'}`);
    log(`session folder ${join(dataPath, 'session-demo')}`);

    // 1. First login: QR, the phone scans it.
    const first = newClient();
    first.once('qr', (qr) => {
      terminalQr(qr).then(
        (art) => {
          console.log(art);
          log('qr shown; the simulated phone scans it');
          phone.scan(qr).catch((err: unknown) => log(`scan failed: ${String(err)}`));
        },
        (err: unknown) => log(`could not draw the QR: ${String(err)}`),
      );
    });
    first.on('authenticated', () => log('authenticated'));
    const firstReady = first.waitFor('ready', { timeout: 60_000, signal: stop.signal });
    firstReady.catch(() => undefined); // awaited below; a failed step must not leave it unhandled
    await first.initialize();
    await firstReady;
    log(`ready as ${first.info?.wid._serialized ?? '?'}`);

    // 2. A message arrives; the bot replies.
    const received = first.waitFor('message', { timeout: 30_000, signal: stop.signal });
    received.catch(() => undefined); // awaited below; a failed step must not leave it unhandled
    await phone.receiveText('15550009876', 'ping');
    log('phone: contact 15550009876 sends "ping"');
    const [message] = await received;
    log(`message from ${message.from}: "${message.body}"`);
    await message.reply('pong');
    const reply = phone.sentMessages().at(-1);
    log(`phone received the reply: "${reply?.body ?? '(nothing)'}" to ${reply?.to ?? '?'}`);

    // 3. Restart: the stored session restores without a QR.
    await first.destroy();
    log('client destroyed; starting a new one on the same folder');
    const second = newClient();
    let qrs = 0;
    second.on('qr', () => qrs++);
    const secondReady = second.waitFor('ready', { timeout: 60_000, signal: stop.signal });
    secondReady.catch(() => undefined); // awaited below; a failed step must not leave it unhandled
    await second.initialize();
    await secondReady;
    log(`restored and ready as ${second.info?.wid._serialized ?? '?'} with ${qrs} QR codes shown`);
    await second.destroy();
    const ok = reply?.body === 'pong' && qrs === 0;
    log(ok ? 'demo finished: every step worked' : 'demo finished with a problem (see above)');
    return ok ? 0 : 1;
  } finally {
    stop.abort();
    for (const client of clients) await client.destroy();
    await sim.close();
    if (values.keep) log(`kept ${dataPath}`);
    else await rm(dataPath, { recursive: true, force: true });
  }
}
