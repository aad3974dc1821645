/** The JSON API's actions on one session: restart, logout, pairing code. */
import { isValidClientId } from '../util/client-id';
import { RequestError } from './http';
import type { DashboardManager } from './types';

export const ACTIONS = ['restart', 'logout', 'pairing-code'] as const;
export type Action = (typeof ACTIONS)[number];

export function isAction(name: string): name is Action {
  return (ACTIONS as readonly string[]).includes(name);
}

/**
 * Only the worker holding a session's lease acts on it (its `list()` holds exactly those): 409
 * `NOT_OWNER` for a session another worker holds, 404 for one no worker has. The manager refuses the
 * same way itself (a lease lost between this check and the action).
 */
async function ensureOwner(manager: DashboardManager, id: string): Promise<void> {
  if (isValidClientId(id) && manager.list().some((s) => s.id === id)) return;
  const elsewhere = isValidClientId(id) ? (await manager.leases().catch(() => [])).find((l) => l.sessionId === id && l.live) : undefined;
  if (elsewhere) {
    throw new RequestError(
      409,
      'NOT_OWNER',
      `session "${id}" runs on worker ${elsewhere.owner ?? '?'}, not on this one (${manager.workerId}); ask that worker`,
    );
  }
  throw new RequestError(404, 'NOT_FOUND', `no session "${id}" on this worker`);
}

/**
 * Runs `action` on session `id`. A restart is answered at once (202) and goes on in the background:
 * it ends only when the session is up again, which may wait for a QR; its progress shows in the states.
 */
export async function runAction(
  manager: DashboardManager,
  id: string,
  action: Action,
  body: Record<string, unknown>,
): Promise<{ status: number; body: unknown }> {
  await ensureOwner(manager, id);
  switch (action) {
    case 'restart':
      // Its failures show as the session's state and lastError; there is no request left to answer.
      manager.restart(id).catch(() => undefined);
      return { status: 202, body: { id, restarting: true } };
    case 'logout':
      await manager.logout(id);
      return { status: 200, body: { id, loggedOut: true } };
    case 'pairing-code': {
      const phone = body['phone'];
      if (typeof phone !== 'string' || phone.trim() === '') {
        throw new RequestError(400, 'INVALID_OPTION', 'the body needs "phone": the number with its country code, e.g. "15550001111"');
      }
      const force = body['force'];
      if (force !== undefined && typeof force !== 'boolean') {
        throw new RequestError(400, 'INVALID_OPTION', '"force" must be true or false');
      }
      // Over a session the client already holds only when asked for explicitly (409 SESSION_EXISTS otherwise).
      const code = await manager.requestPairingCode(id, phone, force === true ? { force: true } : {});
      return { status: 200, body: { id, code } };
    }
  }
}
