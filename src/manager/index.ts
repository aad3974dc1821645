/**
 * `waweb/manager`: many sessions in one process, shared between workers. A SessionManager runs one
 * Client per session over a store; with leases (PostgresLeases, MongoLeases) each session runs in
 * exactly one worker at a time and moves when its worker dies.
 *
 * @module waweb/manager
 */
export { SessionManager } from './session-manager';
export { MANAGED_STATES } from './types';
export type {
  ManagedState,
  ManagedSessionInfo,
  ManagedRemoteAuthOptions,
  SessionManagerOptions,
  SessionManagerEvents,
  SessionReadyInfo,
  StartFailure,
  SessionMeter,
  SessionLimits,
  CeilingBreach,
} from './types';
export { PostgresLeases, MongoLeases } from '../leases';
export type { Lease, LeaseBackend, LeaseRecord, LeaseWatch, WorkerRecord, PostgresLeasesOptions, MongoLeasesOptions } from '../leases';
