/**
 * waweb's RemoteAuth as a strategy for whatsapp-web.js's own Client:
 * `new Client({ authStrategy: new RemoteAuth({ store, clientId, backupSyncIntervalMs }) })`.
 * Same options and guarantees as waweb's RemoteAuth (first backup within seconds of `ready`,
 * verified restores, nothing deleted on CONFLICT), plus whatsapp-web.js's `restartOnAuthFail`.
 */
import { RemoteAuth as RemoteAuthEngine, type RemoteAuthOptions as EngineOptions } from '../index';
import { WwebjsStrategy, type WwebjsStrategyOptions } from './strategy';

export type RemoteAuthOptions = EngineOptions & WwebjsStrategyOptions;

/** waweb's RemoteAuth as an `authStrategy` for whatsapp-web.js's own Client. */
export class RemoteAuth extends WwebjsStrategy {
  readonly clientId: string | undefined;
  readonly dataPath: string;
  declare protected readonly engine: RemoteAuthEngine;

  constructor(options: RemoteAuthOptions) {
    const engine = new RemoteAuthEngine(options);
    super(engine, options ?? {});
    this.clientId = engine.clientId;
    this.dataPath = engine.dataPath;
  }

  /** The store name of this session: `RemoteAuth-<clientId>`, as whatsapp-web.js names it. */
  get sessionName(): string {
    return this.engine.sessionName;
  }

  /** Takes a backup now (after any in flight); resolves when stored or skipped as unchanged. */
  saveNow(): Promise<void> {
    return this.engine.saveNow();
  }

  protected override rearm(): void {
    this.engine.rearm();
  }
}
