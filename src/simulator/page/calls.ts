/**
 * Calls, as whatsapp-web.js 1.34.7 uses them: `WAWebCallCollection` (a collection with `on()` whose one
 * own `Map` holds the calls by id: clients hear an offer when the app sets it there), the stanza a call's
 * reject is (`WAWap.wap`, `WAWap.generateId`, cast with `WADeprecatedSendIq.deprecatedCastStanza`), and
 * call links (`WAWebGenerateEventCallLink.createEventCallLink`).
 */
import type { ClientFrame, ServerFrame, WireCall, WireStanza } from '../protocol';
import { Events } from './models';

/** What the call modules need of the app's connection. */
export interface CallServers {
  send(frame: ClientFrame): void;
  request(frame: ClientFrame & { reqId: number }, timeoutMs: number): Promise<ServerFrame | null>;
  nextReqId(): number;
}

/** An offered call, as the app keeps it. */
export class CallModel {
  readonly id: string;
  /** The caller's id, as clients read it. */
  readonly peerJid: string;
  readonly isVideo: boolean;
  readonly isGroup: boolean;
  readonly outgoing = false;
  /** A web client takes no call itself: the phone rings. */
  readonly canHandleLocally = false;
  readonly webClientShouldHandle = false;
  readonly participants: string[];
  readonly offerTime: number;

  constructor(call: WireCall) {
    this.id = call.id;
    this.peerJid = call.peerJid;
    this.isVideo = call.isVideo;
    this.isGroup = call.isGroup;
    this.participants = [...call.participants];
    this.offerTime = call.offerTime;
  }
}

/** `WAWebCallCollection`: the calls the account is offered. */
export class CallCollection extends Events {
  /** The calls by id: the collection's one own `Map`. */
  readonly calls = new Map<string, CallModel>();

  /** A call the servers offered: set in the map (clients hear it there), then `add`. */
  receive(call: WireCall): void {
    const model = new CallModel(call);
    this.calls.set(model.id, model);
    this.trigger('add', model, this);
  }
}

/** One stanza node: `wap(tag, attrs, content)`. */
function wap(tag: string, attrs: Record<string, unknown> = {}, content?: WireStanza[]): WireStanza {
  const strings = Object.fromEntries(Object.entries(attrs).map(([k, v]) => [k, String(v)]));
  return Array.isArray(content) ? { tag, attrs: strings, content } : { tag, attrs: strings };
}

function generateId(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => b.toString(16).padStart(2, '0'))
    .join('')
    .toUpperCase();
}

export function callModules(calls: CallCollection, servers: CallServers): Record<string, unknown> {
  return {
    WAWebCallCollection: calls,
    WAWap: { wap, generateId },
    WADeprecatedSendIq: {
      deprecatedCastStanza: (stanza: WireStanza): Promise<void> => {
        servers.send({ t: 'stanza', stanza });
        return Promise.resolve();
      },
    },
    WAWebGenerateEventCallLink: {
      /** The link the servers made for a call starting at `startTime` (seconds), or null when refused. */
      createEventCallLink: async (startTime: number, callType: string): Promise<string | null> => {
        const reply = await servers.request({ t: 'call-link', reqId: servers.nextReqId(), startTime, callType }, 15_000);
        return reply?.t === 'call-link' ? reply.link : null;
      },
    },
  };
}
