/**
 * The wait of the bench's `--sessions N` (bench/all-ready.ts): a session that cannot reach `ready`
 * fails the wait at once, named with why (a QR where its folder should have logged in, a
 * `disconnected`, an `auth_failure`), instead of the whole wait running out with "9 of 10". The
 * clients here are plain emitters: nothing is launched or measured.
 */
import { EventEmitter } from 'node:events';
import { allReady } from '../../bench/all-ready';

const LONG = 60_000;

const clients = (n: number): EventEmitter[] => Array.from({ length: n }, () => new EventEmitter());

describe('bench sessions: allReady', () => {
  it('resolves with one time per session once every session is ready', async () => {
    const list = clients(3);
    const wait = allReady(list, { timeoutMs: LONG, pairing: false });
    for (const c of list) c.emit('ready');
    const times = await wait;
    expect(times).toHaveLength(3);
    for (const t of times) expect(Number.isFinite(t)).toBe(true);
  });

  it('fails at once, naming the session, when a session started from its folder shows a QR', async () => {
    const list = clients(3);
    const wait = allReady(list, { timeoutMs: LONG, pairing: false });
    list[0]!.emit('ready');
    list[2]!.emit('change_state', 'UNPAIRED');
    list[2]!.emit('qr', 'a-qr');
    await expect(wait).rejects.toThrow(/session 2 showed a QR .*UNPAIRED/);
  });

  it('fails at once when a session stops before ready, with its reason', async () => {
    const list = clients(2);
    const wait = allReady(list, { timeoutMs: LONG, pairing: false });
    list[1]!.emit('disconnected', 'BROWSER_CLOSED');
    await expect(wait).rejects.toThrow(/session 1 stopped before ready: disconnected \(BROWSER_CLOSED\)/);
  });

  it('fails when a session is refused', async () => {
    const list = clients(2);
    const wait = allReady(list, { timeoutMs: LONG, pairing: true });
    list[0]!.emit('auth_failure', 'bad keys');
    await expect(wait).rejects.toThrow(/session 0 was refused/);
  });

  it('takes QR codes while pairing', async () => {
    const list = clients(2);
    const wait = allReady(list, { timeoutMs: LONG, pairing: true });
    list[0]!.emit('qr', 'a-qr');
    list[0]!.emit('ready');
    list[1]!.emit('ready');
    await expect(wait).resolves.toHaveLength(2);
  });

  it('past its deadline names every session still waiting and the last state its page reported', async () => {
    const list = clients(3);
    const wait = allReady(list, { timeoutMs: 50, pairing: false });
    list[0]!.emit('ready');
    list[1]!.emit('change_state', 'OPENING');
    await expect(wait).rejects.toThrow(
      'only 1 of 3 sessions ready within 50 ms; waiting: session 1 (last state OPENING), session 2 (last state none reported)',
    );
  });

  it('leaves no listener behind, whether it resolved or failed', async () => {
    const ok = clients(2);
    const first = allReady(ok, { timeoutMs: LONG, pairing: false });
    for (const c of ok) c.emit('ready');
    await first;
    const bad = clients(2);
    const second = allReady(bad, { timeoutMs: LONG, pairing: false });
    bad[0]!.emit('disconnected', 'LOGOUT');
    await expect(second).rejects.toThrow(/session 0/);
    for (const c of [...ok, ...bad]) expect(c.eventNames()).toEqual([]);
  });
});
