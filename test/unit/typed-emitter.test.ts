/**
 * The typed emitter every public class uses: an `error` with no listener is reported, never
 * silently dropped (and never thrown into the emitting code, as Node's emitter would).
 */
import { WawebError, ErrorCode } from '../../src/errors';
import { TypedEmitter } from '../../src/util/typed-emitter';

type Events = { error: [error: WawebError]; tick: [n: number] };

class Emitter extends TypedEmitter<Events> {
  fire<K extends keyof Events>(event: K, ...args: Events[K]): void {
    this.emit(event, ...args);
  }
}

afterEach(() => jest.restoreAllMocks());

test("an 'error' nobody listens to is logged with the error, not dropped and not thrown", () => {
  const logged = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  const emitter = new Emitter();
  const err = new WawebError(ErrorCode.BACKUP_FAILED, 'backup failed');
  expect(() => emitter.fire('error', err)).not.toThrow();
  expect(logged).toHaveBeenCalledTimes(1);
  expect(logged.mock.calls[0]).toContain(err);
});

test("with a listener, 'error' goes to it and nothing is logged", () => {
  const logged = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  const emitter = new Emitter();
  const seen: WawebError[] = [];
  emitter.on('error', (e) => seen.push(e));
  emitter.fire('error', new WawebError(ErrorCode.STORE_FAILED, 'x'));
  expect(seen.map((e) => e.code)).toEqual([ErrorCode.STORE_FAILED]);
  expect(logged).not.toHaveBeenCalled();
});

test('a listener that throws is reported and the next listener still runs', () => {
  const logged = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  const emitter = new Emitter();
  const seen: number[] = [];
  emitter.on('tick', () => {
    throw new Error('listener bug');
  });
  emitter.on('tick', (n) => seen.push(n));
  emitter.fire('tick', 7);
  expect(seen).toEqual([7]);
  expect(logged).toHaveBeenCalledTimes(1);
});
