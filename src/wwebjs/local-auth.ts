/**
 * waweb's LocalAuth as a strategy for whatsapp-web.js's own Client: the same folder layout
 * (`<dataPath>/session-<clientId>`), a stale `SingletonLock` from a killed Chromium cleared and a
 * live one refused with a `ProfileLockedError`, and `auth_failure` when the stored login is rejected.
 */
import { LocalAuth as LocalAuthEngine, type LocalAuthOptions as EngineOptions } from '../index';
import { WwebjsStrategy, type WwebjsStrategyOptions } from './strategy';

export type LocalAuthOptions = EngineOptions & WwebjsStrategyOptions;

/** waweb's LocalAuth as an `authStrategy` for whatsapp-web.js's own Client. */
export class LocalAuth extends WwebjsStrategy {
  readonly clientId: string | undefined;
  readonly dataPath: string;
  /** The profile folder whatsapp-web.js's Chromium runs on. */
  readonly userDataDir: string;

  constructor(options: LocalAuthOptions = {}) {
    const engine = new LocalAuthEngine(options);
    super(engine, options);
    this.clientId = engine.clientId;
    this.dataPath = engine.dataPath;
    this.userDataDir = engine.userDataDir;
  }
}
