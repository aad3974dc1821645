import type { Buttons } from './buttons';
import type { List } from './list';
import type { MessageMedia } from './message-media';
import type { Poll } from './poll';
import type { ScheduledEvent } from './scheduled-event';

/**
 * A contact card to send: any `Contact` (waweb's, or one shaped like whatsapp-web.js's): its id and
 * number make the card, its name (or push name) labels it.
 */
export interface ContactCard {
  id: { _serialized: string };
  number: string;
  name?: string | undefined;
  pushname?: string | undefined;
}

/**
 * A place to send: a `Location`, or anything shaped like one (whatsapp-web.js declares its
 * coordinates as strings; numbers and numeric strings both work).
 */
export interface LocationInput {
  latitude: number | string;
  longitude: number | string;
  name?: string | undefined;
  address?: string | undefined;
  url?: string | undefined;
}

/**
 * Anything `sendMessage` takes: text, media, a location, one contact card or several, a `Poll`, a
 * `ScheduledEvent`; `List` and `Buttons` are sent as whatsapp-web.js 1.34.7 sends them (docs/client.md).
 */
export type MessageContent = string | MessageMedia | LocationInput | ContactCard | ContactCard[] | Poll | List | Buttons | ScheduledEvent;
