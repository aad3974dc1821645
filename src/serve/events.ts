/**
 * Server-Sent Events at `/events`: every open page gets the whole sessions view (with each waiting
 * session's QR as an image) when it connects, whenever the manager reports a change, and every
 * `refreshMs` (other workers' leases change without telling this one). Builds never overlap: a
 * change during one is picked up by the next, so the last view sent is never older than the last event.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorMessage } from '../errors';

export class EventStreams {
  readonly #clients = new Set<ServerResponse>();
  readonly #build: () => Promise<unknown>;
  readonly #timer: NodeJS.Timeout;
  #building = false;
  #again = false;
  #closed = false;

  constructor(build: () => Promise<unknown>, refreshMs: number) {
    this.#build = build;
    this.#timer = setInterval(() => this.changed(), refreshMs);
    this.#timer.unref();
  }

  /** Takes `res` as an event stream until the page goes away or the streams close. */
  add(req: IncomingMessage, res: ServerResponse): void {
    if (this.#closed) {
      res.writeHead(503).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', Connection: 'keep-alive' });
    res.write('retry: 2000\n\n');
    this.#clients.add(res);
    const drop = (): boolean => this.#clients.delete(res);
    req.on('close', drop);
    res.on('close', drop);
    res.on('error', drop);
    this.changed();
  }

  /** Something changed: send a fresh view to every open page. */
  changed(): void {
    if (this.#closed || this.#clients.size === 0) return;
    if (this.#building) {
      this.#again = true;
      return;
    }
    this.#building = true;
    // #send catches what a build throws; the catch here only keeps a bug from going unhandled.
    this.#send().catch(() => undefined);
  }

  async #send(): Promise<void> {
    try {
      do {
        this.#again = false;
        let event: string;
        try {
          event = `event: sessions\ndata: ${JSON.stringify(await this.#build())}\n\n`;
        } catch (err) {
          event = `event: failure\ndata: ${JSON.stringify({ error: errorMessage(err) })}\n\n`;
        }
        for (const res of this.#clients) if (!res.writableEnded && !res.destroyed) res.write(event);
      } while (this.#again && !this.#closed);
    } finally {
      this.#building = false;
    }
  }

  /** Ends every stream; later pages get a 503. Idempotent. */
  close(): void {
    this.#closed = true;
    clearInterval(this.#timer);
    for (const res of this.#clients) res.end();
    this.#clients.clear();
  }
}
