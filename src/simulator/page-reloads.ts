/**
 * The app reloading its own page, as WhatsApp Web does for updates: the servers tell a page to
 * reload over its own connection and the page calls `location.reload()`, then logs in again with
 * its stored session. On demand (`reloadPages()`) or on a schedule (`reloadIntervalMs`).
 */
import type { Connection, SimulatorHub } from './hub';
import type { QrPairing } from './pairing';

export class PageReloads {
  readonly #hub: SimulatorHub;
  readonly #pairing: QrPairing;

  constructor(hub: SimulatorHub, pairing: QrPairing) {
    this.#hub = hub;
    this.#pairing = pairing;
  }

  /**
   * Tells every open page (or those of one phone's devices) to reload itself; returns how many were
   * told. From then on each is leaving: no longer its device's active page, its QR or pairing code
   * gone, and what the device is sent meanwhile waits for its next login, as for any offline device.
   */
  reloadPages(phone?: string): number {
    let reloaded = 0;
    for (const conn of this.#hub.connections) {
      if (phone !== undefined) {
        const found = conn.deviceId ? this.#hub.state.findDevice(conn.deviceId) : undefined;
        if (found?.account.number !== phone) continue;
      }
      if (this.#reload(conn)) reloaded++;
    }
    return reloaded;
  }

  /** Every open page reloads itself every `ms` (0: never), until the simulator's timers are cleared. */
  schedule(ms: number): void {
    if (ms <= 0) return;
    this.#hub.later(ms, () => {
      this.reloadPages();
      this.schedule(ms);
    });
  }

  #reload(conn: Connection): boolean {
    const hub = this.#hub;
    if (conn.ws.readyState !== conn.ws.OPEN) return false;
    hub.send(conn, { t: 'reload' });
    this.#pairing.release(conn);
    conn.pairing = undefined;
    if (conn.deviceId && hub.active.get(conn.deviceId) === conn) hub.active.delete(conn.deviceId);
    conn.deviceId = undefined;
    return true;
  }
}
