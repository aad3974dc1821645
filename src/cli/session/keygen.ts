/** `waweb session keygen`: a new key for WAWEB_ENCRYPTION_KEYS, printed as ID:BASE64. */
import { ENCRYPTION_KEYS_ENV, generateEncryptionKey, keyRing } from '../../session/index';
import { SessionArgs, type SessionCommand } from './args';

const USAGE = `  keygen [--id ID]                                print a new key as ID:BASE64 for ${ENCRYPTION_KEYS_ENV}
                                                  (comma-separated, the first one encrypts; keys are read
                                                  from the environment only, never from arguments)`;

async function run(argv: string[]): Promise<number> {
  const args = SessionArgs.parse(argv, { id: { type: 'string' } }, USAGE);
  const id = args.string('id') ?? `key-${new Date().toISOString().slice(0, 10)}`;
  const line = `${id}:${generateEncryptionKey()}`;
  // Checked the way a store will read it.
  keyRing([{ id, key: line.slice(id.length + 1) }]);
  console.log(line);
  return 0;
}

export const keygen: SessionCommand = { usage: USAGE, run };
