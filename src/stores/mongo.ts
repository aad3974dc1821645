import { StoreFront } from './front';
import { bucketName, fileName, MongoDriver } from './mongo-driver';
import type { MongoStoreOptions } from './mongo-options';

export type { MongoClientLike, MongoDbLike, MongooseLike, MongoStoreOptions } from './mongo-options';

/**
 * Session store on MongoDB GridFS, laid out like wwebjs-mongo 1.1.0: bucket `whatsapp-<sessionId>`,
 * file name `<sessionId>.zip`, one file per generation. A backup written by wwebjs-mongo loads here
 * and the newest one written here is what wwebjs-mongo's `extract` downloads.
 *
 * A save takes its generation number from the session's record in `fencesCollection` (one atomic
 * update, so two writers never share a number), uploads the new file completely, commits it in that
 * record (only then do readers see it; a fenced save commits only while its token is still the
 * largest seen), then deletes (and awaits) every file the pruning rule gives up and any upload that
 * can never be committed. Marks live in the file document's `metadata.waweb` (`setAside`,
 * `loggedInAt`). Saves of one session are serialized within the process.
 */
export class MongoStore extends StoreFront {
  readonly keep: number;
  readonly operationTimeoutMs: number;

  constructor(options: MongoStoreOptions) {
    const driver = new MongoDriver(options);
    super(driver);
    this.keep = driver.keep;
    this.operationTimeoutMs = driver.callTimeout.ms;
  }

  /** The GridFS bucket name for a session (same as wwebjs-mongo 1.1.0). */
  static bucketName(sessionId: string): string {
    return bucketName(sessionId);
  }

  /** The GridFS file name for a session (same as wwebjs-mongo 1.1.0). */
  static fileName(sessionId: string): string {
    return fileName(sessionId);
  }
}

/**
 * Creates a {@link MongoStore}.
 * @deprecated use `new MongoStore(options)`; this alias goes in the next release.
 */
export function createMongoStore(options: MongoStoreOptions): MongoStore {
  return new MongoStore(options);
}
