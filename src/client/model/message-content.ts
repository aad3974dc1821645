import type { Location } from './location';
import type { MessageMedia } from './message-media';
import type { ModelTypes } from './registry';

/** Anything `sendMessage` sends: text, media, a location, one contact card or several. */
export type MessageContent = string | MessageMedia | Location | ModelTypes['Contact'] | Array<ModelTypes['Contact']>;
