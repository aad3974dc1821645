/**
 * WhatsApp Web's socket states (docs/page-contract.md) and what each means for a session. This is
 * the only place that knows the raw names; the client works with `SessionState`.
 */

/**
 * Socket states of the app, as it names them (also reported raw on `change_state`). An `enum`, not an
 * `as const` object, because whatsapp-web.js declares `WAState` as one and TypeScript relates an enum
 * only to an enum of the same name and members: a bot typed against whatsapp-web.js takes these values.
 */
export enum WAState {
  CONFLICT = 'CONFLICT',
  CONNECTED = 'CONNECTED',
  DEPRECATED_VERSION = 'DEPRECATED_VERSION',
  OPENING = 'OPENING',
  PAIRING = 'PAIRING',
  PROXYBLOCK = 'PROXYBLOCK',
  SMB_TOS_BLOCK = 'SMB_TOS_BLOCK',
  TIMEOUT = 'TIMEOUT',
  TOS_BLOCK = 'TOS_BLOCK',
  UNLAUNCHED = 'UNLAUNCHED',
  UNPAIRED = 'UNPAIRED',
  UNPAIRED_IDLE = 'UNPAIRED_IDLE',
}

/** States after which the session cannot go on; each is also a disconnect reason. */
export type FatalState =
  typeof WAState.DEPRECATED_VERSION | typeof WAState.PROXYBLOCK | typeof WAState.TOS_BLOCK | typeof WAState.SMB_TOS_BLOCK;

/** What a raw state means for the session. */
export type SessionState =
  /** The app is still deciding (launching, opening, pairing): wait. */
  | { kind: 'waiting' }
  /** No login: a QR is (idle: was) shown. */
  | { kind: 'unpaired'; idle: boolean }
  | { kind: 'connected' }
  /** Another browser opened this session. */
  | { kind: 'conflict' }
  | { kind: 'fatal'; reason: FatalState }
  /** Anything else (TIMEOUT, states a newer app adds): nothing to do. */
  | { kind: 'other' };

const FATAL: ReadonlySet<string> = new Set<FatalState>([
  WAState.DEPRECATED_VERSION,
  WAState.PROXYBLOCK,
  WAState.TOS_BLOCK,
  WAState.SMB_TOS_BLOCK,
]);

function isFatal(raw: string): raw is FatalState {
  return FATAL.has(raw);
}

/** The meaning of a raw state reported by the page. */
export function sessionState(raw: string): SessionState {
  // A raw state is compared with the enum's values; a state a newer app adds falls to `default`.
  switch (raw as WAState) {
    case WAState.UNLAUNCHED:
    case WAState.OPENING:
    case WAState.PAIRING:
      return { kind: 'waiting' };
    case WAState.UNPAIRED:
      return { kind: 'unpaired', idle: false };
    case WAState.UNPAIRED_IDLE:
      return { kind: 'unpaired', idle: true };
    case WAState.CONNECTED:
      return { kind: 'connected' };
    case WAState.CONFLICT:
      return { kind: 'conflict' };
    default:
      return isFatal(raw) ? { kind: 'fatal', reason: raw } : { kind: 'other' };
  }
}
