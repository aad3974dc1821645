/** Leases: one owner per session across workers, with fencing tokens. Written by hand. */
export type { Lease, LeaseBackend, LeaseRecord, LeaseWatch, WorkerRecord } from './types';
export { PostgresLeases } from './postgres';
export type { PostgresLeasesOptions } from './postgres';
export { MongoLeases } from './mongo';
export type { MongoLeasesOptions } from './mongo';
