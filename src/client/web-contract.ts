/**
 * The boot's contract check, as the client acts on it (docs/page-contract.md, "Manifest"): a build
 * without a member the login needs fails the start with `INCOMPATIBLE_WEB`; one without members of
 * optional features runs with those features off, announced as `web_contract`. The app can reload in
 * the middle of a run, onto a new build: every boot is checked, and a change is announced again.
 */
import { IncompatibleWebError } from '../errors';
import type { PageContractMiss } from '../web/bridge';
import type { WebPage } from '../web/web-page';
import type { EmitClientEvent } from './events';

export class ContractWatch {
  /** What was last announced (or nothing lacking), as text to compare. */
  #announced = '[]';

  constructor(private readonly emit: EmitClientEvent) {}

  /** After the first boot of a start: throws an `IncompatibleWebError` (login), or emits `web_contract`. */
  first(web: WebPage): void {
    web.assertCompatible();
    this.#announce(web.version ?? 'unknown', web.missing);
  }

  /**
   * A later boot of the same run: the `IncompatibleWebError` to stop with when its build lacks a login
   * member (emitted on `error` too), otherwise undefined; a new set of missing members is announced.
   */
  reboot(report: { version: string; missing: readonly PageContractMiss[] }): IncompatibleWebError | undefined {
    const login = report.missing.filter((m) => m.feature === 'login');
    if (login.length === 0) {
      this.#announce(report.version, report.missing);
      return undefined;
    }
    const err = new IncompatibleWebError(report.version, login, 'the login (after the app reloaded)');
    this.emit('error', err);
    return err;
  }

  #announce(build: string, missing: readonly PageContractMiss[]): void {
    const text = JSON.stringify(missing);
    if (text === this.#announced) return;
    this.#announced = text;
    if (missing.length > 0) this.emit('web_contract', { build, missing: [...missing] });
  }
}
