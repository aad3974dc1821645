/**
 * A list message (whatsapp-web.js's `List`, which WhatsApp no longer delivers): it holds what it was
 * given; sending one is not there yet (issue 27).
 */
export class List {
  constructor(
    readonly body: string,
    readonly buttonText: string,
    readonly sections: unknown[],
    readonly title?: string | null,
    readonly footer?: string | null,
  ) {}
}
