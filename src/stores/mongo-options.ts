/** MongoStore's options and the parts of mongodb / mongoose it uses. */
/** The part of a `mongodb` `Db` this store uses (any driver version >= 6). */
export interface MongoDbLike {
  readonly databaseName: string;
  collection(name: string): unknown;
}

/** The part of a `mongodb` `MongoClient` this store uses. */
export interface MongoClientLike {
  db(dbName?: string): MongoDbLike;
}

/** The part of a mongoose instance this store uses (mongoose >= 8). */
export interface MongooseLike {
  readonly connection: {
    readonly db?: MongoDbLike | undefined;
    readonly readyState: number;
    asPromise?(): Promise<unknown>;
  };
  /** mongoose re-exports its own `mongodb` driver here; its `GridFSBucket` is used when present. */
  readonly mongo?: unknown;
}

export interface MongoStoreOptions {
  /** A mongoose instance (as passed to wwebjs-mongo's `MongoStore`); its default connection is used. */
  mongoose?: MongooseLike;
  /** A `mongodb` `Db`. */
  db?: MongoDbLike;
  /** A connected or connectable `mongodb` `MongoClient`; `dbName` picks the database. */
  client?: MongoClientLike;
  /**
   * A MongoDB connection string: the store makes its own `MongoClient` (with the driver's
   * `serverSelectionTimeoutMS` and `connectTimeoutMS` at `connectTimeoutMs` unless the URL sets
   * them) and closes it on `close()`. `dbName` picks the database.
   */
  url?: string;
  /**
   * Database to use with `client` or `url`.
   * @default the database named in the connection string, else `test`
   */
  dbName?: string;
  /**
   * With `url`: how long the client looks for a server before a call fails as unreachable.
   * @default 5000
   */
  connectTimeoutMs?: number;
  /**
   * How many generations to keep per session.
   * @default 3
   */
  keep?: number;
  /**
   * Longest one store call may take (server selection, queries, the GridFS transfer); then
   * `StoreError` code `TIMEOUT` naming this option. The driver's own `serverSelectionTimeoutMS`
   * (30 s by default) belongs to a client you pass: set it lower there to hear of an unreachable
   * server sooner.
   * @default 30000
   */
  operationTimeoutMs?: number;
  /**
   * Collection holding one record per session: the largest fencing token seen, the generation
   * numbers handed out and which of them readers may see (see "MongoDB" in docs/stores.md). Part of
   * the stored data: every store over the same buckets must name the same collection.
   * @default 'waweb_fences'
   */
  fencesCollection?: string;
}
