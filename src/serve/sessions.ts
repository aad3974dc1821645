/** The dashboard's view of the sessions: this worker's, merged with every worker's leases. */
import QRCode from 'qrcode';
import { errorMessage } from '../errors';
import type { ManagedSessionInfo, ManagedState } from '../manager/types';
import type { DashboardManager, DashboardSession } from './types';

export interface SessionsView {
  /** This worker's id. */
  worker: string;
  sessions: DashboardSession[];
  /** Why the leases could not be read (the sessions of other workers are missing then). */
  leasesError: string | null;
}

/** What the page shows for a state: WhatsApp's own name where there is one. */
export function stateLabel(state: ManagedState | null): string {
  if (state === null) return 'ELSEWHERE';
  if (state === 'ready') return 'CONNECTED';
  if (state === 'qr') return 'UNPAIRED';
  return state.toUpperCase();
}

function local(info: ManagedSessionInfo): DashboardSession {
  return {
    id: info.id,
    state: info.state,
    label: stateLabel(info.state),
    worker: info.worker,
    local: true,
    since: info.since.toISOString(),
    qr: info.state === 'qr' ? info.qr : null,
    pairingCode: info.state === 'qr' ? info.pairingCode : null,
    lastSave: info.lastSave && { ...info.lastSave, at: info.lastSave.at.toISOString() },
    restarts: info.restarts,
    lastError: info.lastError,
    startFailures: info.startFailures,
    nextStartAt: info.nextStartAt?.toISOString() ?? null,
    meter: info.meter && {
      pssBytes: info.meter.pssBytes,
      cpuSeconds: info.meter.cpuSeconds,
      cpuPercent: info.meter.cpuPercent ?? null,
      processes: info.meter.processes,
      sampledAt: info.meter.sampledAt.toISOString(),
    },
    lease: null,
  };
}

/** How long a backup read from the store for another worker's session is shown before it is read again. */
const BACKUP_TTL_MS = 15_000;

/**
 * The newest backups of sessions other workers run, read from the store in the background (never
 * holding up a view) at most every `BACKUP_TTL_MS` per session; `changed` is called when one arrives.
 */
export class RemoteBackups {
  readonly #known = new Map<string, { value: DashboardSession['lastSave']; at: number; reading: boolean }>();

  constructor(
    private readonly manager: DashboardManager,
    private readonly changed: () => void,
  ) {}

  get(id: string): DashboardSession['lastSave'] {
    const read = this.manager.lastBackup;
    if (!read) return null;
    const known = this.#known.get(id) ?? { value: null, at: 0, reading: false };
    this.#known.set(id, known);
    if (!known.reading && Date.now() - known.at > BACKUP_TTL_MS) {
      known.reading = true;
      read.call(this.manager, id).then(
        (backup) => {
          known.value = backup && { at: backup.at.toISOString(), generation: backup.generation, bytes: backup.bytes, durationMs: null };
          known.at = Date.now();
          known.reading = false;
          this.changed();
        },
        () => {
          known.at = Date.now(); // tried again after the TTL
          known.reading = false;
        },
      );
    }
    return known.value;
  }
}

/** `manager.list()`, plus a row for each session only another worker's lease names. */
export async function sessionsView(manager: DashboardManager, backups?: RemoteBackups): Promise<SessionsView> {
  const rows = new Map(manager.list().map((info) => [info.id, local(info)]));
  let leasesError: string | null = null;
  try {
    for (const lease of await manager.leases()) {
      const view = { owner: lease.owner, token: lease.token, expiresAt: lease.expiresAt?.toISOString() ?? null, live: lease.live };
      const row = rows.get(lease.sessionId);
      if (row) {
        row.lease = view;
        continue;
      }
      rows.set(lease.sessionId, {
        id: lease.sessionId,
        state: null,
        label: stateLabel(null),
        worker: lease.live ? lease.owner : null,
        local: false,
        since: null,
        qr: null,
        pairingCode: null,
        lastSave: backups?.get(lease.sessionId) ?? null,
        restarts: null,
        lastError: null,
        startFailures: null,
        nextStartAt: null,
        meter: null,
        lease: view,
      });
    }
  } catch (err) {
    leasesError = errorMessage(err);
  }
  const sessions = [...rows.values()].sort((a, b) => a.id.localeCompare(b.id));
  return { worker: manager.workerId, sessions, leasesError };
}

/** QR codes drawn as PNG data URLs, each session's last one kept so an unchanged QR is not redrawn. */
export class QrImages {
  readonly #last = new Map<string, { text: string; image: Promise<string> }>();

  image(id: string, text: string): Promise<string> {
    const last = this.#last.get(id);
    if (last?.text === text) return last.image;
    const image = QRCode.toDataURL(text, { margin: 2, scale: 3, errorCorrectionLevel: 'M' });
    image.catch(() => {
      if (this.#last.get(id)?.image === image) this.#last.delete(id);
    });
    this.#last.set(id, { text, image });
    return image;
  }

  /** Forgets the sessions not in `ids`. */
  keep(ids: ReadonlySet<string>): void {
    for (const id of this.#last.keys()) if (!ids.has(id)) this.#last.delete(id);
  }
}
