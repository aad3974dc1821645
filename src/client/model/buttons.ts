import type { MessageMedia } from './message-media';

/**
 * A buttons message (whatsapp-web.js's `Buttons`, which WhatsApp no longer delivers): it holds what it
 * was given; sending one is not there yet (issue 27).
 */
export class Buttons {
  readonly body: string | MessageMedia;
  readonly buttons: Array<{ buttonId: string; buttonText: { displayText: string }; type: number }>;
  readonly title?: string | null;
  readonly footer?: string | null;

  constructor(body: string | MessageMedia, buttons: Array<{ id?: string; body: string }>, title?: string | null, footer?: string | null) {
    this.body = body;
    this.buttons = buttons.map((b, i) => ({ buttonId: b.id ?? String(i + 1), buttonText: { displayText: b.body }, type: 1 }));
    this.title = title;
    this.footer = footer;
  }
}
