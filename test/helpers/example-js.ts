/**
 * whatsapp-web.js's own `example.js`, run unchanged as a child `node` process against the simulator
 * (issue 26, point 3). Its `require('./index')` is resolved, and its browser pointed at the simulator,
 * by test/fixtures/example-js/preload.js (`node -r`) and nothing else. This file runs it and watches
 * what the bot account's phone sees after each command, as a list of effects with the ids, the bot's
 * own number, group ids and times replaced, so that two runs (one per package) can be compared.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { SimulatedPhone, WireMessage } from '../../src/simulator';
import type { SentMedia } from '../../src/simulator/phone-media';
import type { BotHarness, Library, RunningBot } from './bots';

const root = path.resolve(__dirname, '..', '..');
export const EXAMPLE_JS = path.join(root, 'node_modules', 'whatsapp-web.js', 'example.js');
const PRELOAD = path.join(root, 'test', 'fixtures', 'example-js', 'preload.js');
const REQUIRE_LINE = "require('./index')";

/** example.js as whatsapp-web.js ships it; fails if its one `require('./index')` is not there. */
export async function exampleSource(): Promise<string> {
  const text = await readFile(EXAMPLE_JS, 'utf8');
  const uses = text.split(REQUIRE_LINE).length - 1;
  if (uses !== 1) throw new Error(`example.js must require ./index exactly once (found ${uses})`);
  return text;
}

/** One thing the bot account's phone saw change, normalised. */
export type Effect = Record<string, unknown>;

interface Snapshot {
  sent: Map<string, string>;
  received: Map<string, string>;
  settings: Map<string, string>;
  states: Map<string, string>;
  seen: string[];
  status: string;
  more: Map<string, string>;
}

/** What the phone of the bot account saw, as effects between two snapshots. */
export class PhoneWatch {
  readonly #labels = new Map<string, string>();

  constructor(
    private readonly phone: SimulatedPhone,
    private readonly bot: string,
    private readonly chats: () => string[],
    private readonly groups: () => string[],
    /** More state to watch, by name (a group's metadata, once the phone API reads it). */
    private readonly more: () => Record<string, unknown> = () => ({}),
  ) {}

  snapshot(): Snapshot {
    const sent = this.phone.sentMessages();
    const received = this.phone.receivedMessages();
    for (const m of [...received, ...sent]) this.label(m);
    const chats = this.chats();
    const settings = new Map<string, string>();
    const states = new Map<string, string>();
    for (const chat of chats) {
      const s = this.phone.chatSettings(chat);
      if (s) settings.set(chat, JSON.stringify(this.clean({ ...s })));
      const state = this.phone.chatState(chat);
      if (state !== undefined) states.set(chat, JSON.stringify(state));
    }
    return {
      sent: new Map(sent.map((m) => [m.id, JSON.stringify(this.sentEffect(m))])),
      // A message Alice sent is an effect only once a device did something to it (reacted, pinned, starred).
      received: new Map(
        received
          .filter((m) => m.reaction !== undefined || m.pinned !== undefined || m.starred !== undefined)
          .map((m) => [m.id, JSON.stringify(this.clean({ reaction: m.reaction, pinned: m.pinned, starred: m.starred }))]),
      ),
      settings,
      states,
      seen: [...this.phone.seenChats()],
      status: this.phone.status() ?? '',
      more: new Map(Object.entries(this.more()).map(([k, v]) => [k, v === undefined ? 'null' : JSON.stringify(this.clean(v))])),
    };
  }

  /** What changed from `before` to now: messages sent or changed, reactions, chat settings and states, about text. */
  since(before: Snapshot): Effect[] {
    const now = this.snapshot();
    const out: Effect[] = [];
    const changes = (kind: string, a: Map<string, string>, b: Map<string, string>, key: (k: string) => string): void => {
      for (const [k, v] of b) {
        const old = a.get(k);
        if (old === v) continue;
        const value = JSON.parse(v) as unknown;
        if (old !== undefined) out.push({ [kind]: key(k), was: JSON.parse(old) as unknown, now: value });
        else out.push(typeof value === 'object' && value !== null ? { [kind]: key(k), ...value } : { [kind]: key(k), now: value });
      }
    };
    changes('sent', before.sent, now.sent, (id) => (before.sent.has(id) ? this.labelOf(id) : 'new'));
    changes('received', before.received, now.received, (id) => this.labelOf(id));
    changes('chat', before.settings, now.settings, (chat) => this.text(chat));
    changes('state', before.states, now.states, (chat) => this.text(chat));
    // Chats marked read for the first time (every send marks its chat again, which says nothing new).
    const seen = now.seen.filter((c) => !before.seen.includes(c));
    if (seen.length > 0) out.push({ seen: seen.map((c) => this.text(c)) });
    if (now.status !== before.status) out.push({ about: now.status });
    changes('state of', before.more, now.more, (name) => name);
    return out;
  }

  /** How many messages the bot sent since `before`. */
  sentSince(before: Snapshot): WireMessage[] {
    return this.phone.sentMessages().filter((m) => !before.sent.has(m.id));
  }

  /** The bot's or a user's message, named by its first body (`<bot: pong>`), stable across edits. */
  labelOf(id: string): string {
    return this.#labels.get(id) ?? '<unknown>';
  }

  private label(m: WireMessage): void {
    if (!this.#labels.has(m.id)) this.#labels.set(m.id, `<${m.fromMe ? 'bot' : 'user'}: ${m.body.trim() || m.type || 'chat'}>`);
  }

  readonly #media = new Map<string, SentMedia>();

  private sentEffect(m: WireMessage): Effect {
    // Downloaded once per message: view-once media can be downloaded once only.
    let media = this.#media.get(m.id);
    if (!media && m.media) {
      media = this.phone.sentMedia(m.id);
      this.#media.set(m.id, media);
    }
    return this.clean({
      chat: m.chatId,
      type: m.type,
      body: m.body,
      quotes: m.quotedId === undefined ? undefined : this.labelOf(m.quotedId),
      media: media && {
        mimetype: media.mimetype,
        filename: media.filename,
        caption: media.caption ?? '',
        sha256: createHash('sha256').update(media.data).digest('hex').slice(0, 16),
        viewOnce: media.viewOnce,
        gifPlayback: media.gifPlayback,
        hd: media.hd,
        stickerPack: media.stickerPack && { ...media.stickerPack, id: undefined },
      },
      mentions: m.mentions?.length ? m.mentions : undefined,
      groupMentions: m.groupMentions?.length ? m.groupMentions : undefined,
      fields: m.fields,
      vcards: m.vcards,
      // Voters and responders by the names the transcripts use (the bot's number differs between the runs).
      poll: m.poll && { ...m.poll, votes: m.poll.votes && this.byName(m.poll.votes) },
      event: m.event && {
        ...m.event,
        joinLink: m.event.joinLink === undefined ? undefined : '<link>',
        responses: m.event.responses && this.byName(m.event.responses),
      },
      forwardingScore: m.forwardingScore || undefined,
      edited: m.edited || undefined,
      pinned: m.pinned || undefined,
      starred: m.starred || undefined,
    });
  }

  /** A record keyed by ids, keyed by the names the transcripts use. */
  private byName<T>(record: Record<string, T>): Record<string, T> {
    return Object.fromEntries(Object.entries(record).map(([id, v]) => [this.text(id), v]));
  }

  /** Replaces what differs between runs by nature in every string of `value`; drops undefined fields. */
  private clean<T>(value: T): T {
    return JSON.parse(JSON.stringify(value), (key, v: unknown) => {
      // A group description's id is new for every change.
      if (key === 'descId' && typeof v === 'string') return '<id>';
      if (typeof v === 'string') return this.text(v);
      // Epoch seconds (mute expirations, a group's creation): the runs happen at different times.
      if (typeof v === 'number' && Number.isInteger(v) && v > 1.6e9 && v < 2.2e9) return '<time>';
      return v;
    }) as T;
  }

  /** Message ids → labels, the bot's number → BOT, group ids → GROUPn, epoch seconds and dates → placeholders. */
  text(value: string): string {
    let out = value;
    for (const [id, label] of this.#labels) if (out.includes(id)) out = out.split(id).join(label);
    this.groups().forEach((g, i) => (out = out.split(g).join(`GROUP${i}`)));
    return out
      .split(this.bot)
      .join('BOT')
      .replace(/\b1[6-9]\d{8}\b/g, '<time>')
      .replace(/\w{3} \w{3} \d{2} \d{4} \d\d:\d\d:\d\d GMT[+-]\d{4} \([^)]*\)/g, '<date>');
  }
}

/** One example.js process for one package, restarted (its LocalAuth session restored) if it exits. */
export class ExampleProcess {
  #bot: RunningBot | undefined;
  #restarts = 0;
  #earlier = '';

  constructor(
    private readonly harness: BotHarness,
    readonly library: Library,
    private readonly number: string,
    private readonly cwd: string,
    private readonly source: string,
  ) {}

  get restarts(): number {
    return this.#restarts;
  }

  running(): boolean {
    return this.#bot?.running() ?? false;
  }

  /** What the current process printed. */
  output(): string {
    return this.#bot?.output() ?? '';
  }

  /** What every process of this run printed, restarts included. */
  allOutput(): string {
    return this.#earlier + this.output();
  }

  /**
   * Starts example.js (links by QR the first time, restores the session after) and waits for READY;
   * `env` adds the preload's scenario variables (`EXAMPLE_PAIR_WITH`, `EXAMPLE_EVENT_TAP`).
   */
  async start(env: Record<string, string> = {}): Promise<void> {
    if (this.#bot) {
      this.#restarts++;
      this.#earlier += `${this.#bot.output()}\n--- restarted ---\n`;
    }
    const script = path.join(this.cwd, 'example.js');
    this.#bot = await this.harness.startSource('example.js', this.source, this.library, this.number, this.cwd, {
      nodeArgs: ['-r', PRELOAD],
      env: { ...env, EXAMPLE_PACKAGE: this.library, EXAMPLE_SCRIPT: script },
    });
    await this.#bot.ready(90_000);
  }

  /** The last lines the process wrote to stderr or stdout that say why it stopped (an uncaught error). */
  exitReason(): string {
    const lines = this.output().trim().split('\n');
    const reason = lines.filter((l) => /^\w*Error\b|Unhandled|\[UnhandledPromiseRejection/.test(l.trim())).pop();
    return reason?.trim() ?? 'exited';
  }

  /**
   * Errors the package reported from a listener and went on: waweb logs `a listener for 'message' threw`
   * where whatsapp-web.js's process dies of the unhandled rejection, so both count as "the command threw".
   */
  listenerErrors(): string[] {
    return [...this.allOutput().matchAll(/a listener for '\w+' threw:? (.*)/g)].map((m) => m[1]!.trim());
  }

  /**
   * Whether the browser profile in the working folder has the login of `deviceId` on disk: the app's
   * localStorage (Chromium's `Local Storage/leveldb`) holds the device id. Ctrl-C kills Chromium at once
   * (puppeteer's SIGINT handler), so a run stopped before Chromium wrote it starts the next with a QR.
   */
  async hasSavedLogin(deviceId: string): Promise<boolean> {
    const files = await readdir(this.cwd, { recursive: true, withFileTypes: true });
    for (const f of files) {
      if (!f.isFile() || !/\.(log|ldb)$/.test(f.name) || !f.parentPath.endsWith(path.join('Local Storage', 'leveldb'))) continue;
      const bytes = await readFile(path.join(f.parentPath, f.name)).catch(() => Buffer.alloc(0));
      if (bytes.includes(deviceId)) return true;
    }
    return false;
  }

  /** SIGINT, as Ctrl-C (puppeteer's handler closes the browser); the harness kills what is left. */
  async stop(): Promise<void> {
    if (this.#bot?.running()) await this.#bot.stop();
  }
}
