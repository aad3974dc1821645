/**
 * The phone's side (docs/page-contract.md, "Calls"), through the modules whatsapp-web.js 1.34.7 uses: the
 * offers the app keeps in `WAWebCallCollection` (heard where the app sets them in the collection's own
 * `Map`), a reject as the stanza the servers take (`WAWap`, cast with `WADeprecatedSendIq`), call links
 * (`WAWebGenerateEventCallLink`), the phone's battery, and leaving the pairing-code flow.
 */
import type { PageBattery, PageCall, PagePhoneEvent } from '../bridge-phone';
import { watched } from './drift';
import { widString, type Req } from './messages';

type CallMap = Map<unknown, Record<string, unknown>>;

function asCall(value: Record<string, unknown>): PageCall {
  const offerTime = value['offerTime'];
  return {
    id: String(value['id']),
    peerJid: widString(value['peerJid']),
    isVideo: value['isVideo'] === true,
    isGroup: value['isGroup'] === true,
    outgoing: value['outgoing'] === true,
    canHandleLocally: value['canHandleLocally'] === true,
    webClientShouldHandle: value['webClientShouldHandle'] === true,
    participants: value['participants'] ?? null,
    ...(typeof offerTime === 'number' ? { offerTime } : {}),
  };
}

/**
 * Reports every call the app sets in the collection's `Map` (the one own property of that kind). A
 * collection without one reports nothing; the wrapper is installed once per document.
 */
export function watchCalls(req: Req, emit: (event: PagePhoneEvent) => void): void {
  const collection = req('WAWebCallCollection') as Record<string, unknown>;
  const calls = Object.values(collection).find((v): v is CallMap => v instanceof Map);
  if (!calls) return;
  const set = calls.set.bind(calls);
  calls.set = (key, value) => {
    try {
      emit({ type: 'call', call: asCall(value) });
    } catch {
      // A call the adapter cannot read stays the app's business: the app keeps it all the same.
    }
    return set(key, value);
  };
}

/** Turns a call down: `<call from=me to=caller><reject call-id call-creator=caller count=0 /></call>`. */
export async function rejectCall(req: Req, peerJid: string, callId: string): Promise<void> {
  const me = widString(req('WAWebUserPrefsMeUser').getMaybeMePnUser());
  const stanza = await watched('WAWap.wap', 'calls', () => {
    const wap = req('WAWap');
    return wap.wap('call', { id: wap.generateId(), from: me, to: peerJid }, [
      wap.wap('reject', { 'call-id': callId, 'call-creator': peerJid, count: '0' }),
    ]);
  });
  await watched('WADeprecatedSendIq.deprecatedCastStanza', 'calls', () => req('WADeprecatedSendIq').deprecatedCastStanza(stanza));
}

/** A call link; '' when the app made none (as whatsapp-web.js answers). */
export async function createCallLink(req: Req, startTime: number, callType: 'voice' | 'video'): Promise<string> {
  const link: unknown = await watched('WAWebGenerateEventCallLink.createEventCallLink', 'call-links', () =>
    req('WAWebGenerateEventCallLink').createEventCallLink(startTime, callType),
  );
  return typeof link === 'string' ? link : '';
}

/**
 * `Conn.battery` and `Conn.plugged`, read as whatsapp-web.js reads them. A multi-device session's
 * connection has neither (the phone's battery is not the linked device's business): both stay absent.
 */
export function battery(conn: Record<string, unknown> | undefined): PageBattery {
  const level = conn?.['battery'];
  const plugged = conn?.['plugged'];
  return { ...(typeof level === 'number' ? { battery: level } : {}), ...(typeof plugged === 'boolean' ? { plugged } : {}) };
}

/** A battery change the connection announces (`change:battery`), reported when it carries a level. */
export function watchBattery(
  conn: { on(event: string, fn: (model: Record<string, unknown>) => void): void },
  emit: (event: PagePhoneEvent) => void,
): void {
  conn.on('change:battery', (model) => {
    const { battery: level, plugged } = battery(model);
    if (level !== undefined) emit({ type: 'battery', battery: level, plugged: plugged === true });
  });
}

/** Leaves the pairing-code flow for QR codes, as whatsapp-web.js's `cancelPairingCode` does. */
export async function cancelPairingCode(req: Req): Promise<void> {
  await watched('WAWebLaunchSocketUtils.refreshQR', 'pairing-code', () => req('WAWebLaunchSocketUtils').refreshQR());
  await watched('WAWebAltDeviceLinkingApi.initializeQRLinking', 'pairing-code', () =>
    req('WAWebAltDeviceLinkingApi').initializeQRLinking(),
  );
}
