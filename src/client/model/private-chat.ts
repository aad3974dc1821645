import { Chat } from './chat';

/** A one-to-one chat (whatsapp-web.js's `PrivateChat`): everything a `Chat` has. */
export class PrivateChat extends Chat {}
