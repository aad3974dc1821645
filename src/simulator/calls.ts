/**
 * Calls on the simulated servers: a contact calls an account (voice or video, private or group), every
 * online device of the account gets the offer (`call` frame, which the page puts in `WAWebCallCollection`);
 * a device rejects it with the stanza whatsapp-web.js casts (`<call to=caller><reject call-id=… /></call>`),
 * and the caller's phone sees it rejected. Devices also ask for call links (`createEventCallLink`).
 * Calls are live: they are not kept across restarts.
 */
import { randomBytes } from 'node:crypto';
import { SimulatorError } from './errors';
import type { Connection, SimulatorHub } from './hub';
import type { ClientFrame, WireCall, WireStanza } from './protocol';
import { assertPhoneNumber } from './state';
import type { PhoneCall, PhoneCallLink } from './types';

export interface CallOptions {
  /** A video call (default: voice). */
  video?: boolean;
  /** A group call: the other numbers invited besides the caller and the account called. */
  group?: string[];
}

export class CallOperations {
  constructor(private readonly hub: SimulatorHub) {}

  /** `from` calls the account `number`: its online devices get the offer. */
  ring(number: string, from: unknown, options: CallOptions = {}): PhoneCall {
    const caller = assertPhoneNumber(from);
    if (caller === number) throw new SimulatorError(400, 'a phone cannot call itself');
    if (options.group !== undefined && !Array.isArray(options.group)) throw new SimulatorError(400, 'group must be a list of numbers');
    const others = (options.group ?? []).map((n) => assertPhoneNumber(n)).filter((n) => n !== caller && n !== number);
    const isGroup = options.group !== undefined;
    const call: PhoneCall = {
      id: randomBytes(16).toString('hex').toUpperCase(),
      from: caller,
      to: number,
      isVideo: options.video === true,
      isGroup,
      participants: isGroup ? [caller, number, ...others] : [],
      offerTime: Math.floor(Date.now() / 1000),
      status: 'ringing',
    };
    this.hub.calls.push(call);
    const wire: WireCall = {
      id: call.id,
      peerJid: `${caller}@c.us`,
      isVideo: call.isVideo,
      isGroup,
      participants: call.participants.map((n) => `${n}@c.us`),
      offerTime: call.offerTime,
    };
    for (const device of this.hub.account(number).devices) {
      const conn = this.hub.online(device.id);
      if (conn) this.hub.send(conn, { t: 'call', call: wire });
    }
    return { ...call };
  }

  /** The calls this number made or got, oldest first. */
  calls(number: string): PhoneCall[] {
    return this.hub.calls.filter((c) => c.from === number || c.to === number).map((c) => ({ ...c, participants: [...c.participants] }));
  }

  /** The call links the account's devices made, oldest first. */
  links(number: string): PhoneCallLink[] {
    return [...(this.hub.callLinks.get(number) ?? [])];
  }

  onDeviceFrame(conn: Connection, frame: Extract<ClientFrame, { t: 'stanza' } | { t: 'call-link' }>): void {
    const found = conn.deviceId ? this.hub.state.findDevice(conn.deviceId) : undefined;
    if (!found) return;
    const number = found.account.number;
    if (frame.t === 'stanza') {
      this.#stanza(number, found.device.id, frame.stanza);
      return;
    }
    const callType = frame.callType === 'video' || frame.callType === 'voice' ? frame.callType : undefined;
    const startTime = Number.isInteger(frame.startTime) ? frame.startTime : undefined;
    let link: string | null = null;
    if (callType !== undefined && startTime !== undefined) {
      link = `https://call.whatsapp.com/${callType}/${randomBytes(16).toString('base64url').slice(0, 22)}`;
      const list = this.hub.callLinks.get(number) ?? [];
      list.push({ link, callType, startTime });
      this.hub.callLinks.set(number, list);
    }
    this.hub.send(conn, { t: 'call-link', reqId: frame.reqId, link });
  }

  /** `<call to=peer><reject call-id=… call-creator=peer /></call>`: the callee's device turns a ringing call down. */
  #stanza(number: string, deviceId: string, stanza: WireStanza | undefined): void {
    if (stanza?.tag !== 'call' || !Array.isArray(stanza.content)) return;
    for (const child of stanza.content) {
      if (child?.tag !== 'reject') continue;
      const call = this.hub.calls.find((c) => c.id === child.attrs?.['call-id'] && c.to === number);
      if (call?.status !== 'ringing' || `${call.from}@c.us` !== stanza.attrs?.['to']) continue;
      call.status = 'rejected';
      call.rejectedBy = deviceId;
    }
  }
}
