/**
 * The boot's contract check, as the client acts on it (docs/page-contract.md, "Manifest"): a build
 * without a member the login needs fails the start with `INCOMPATIBLE_WEB`; one without members of
 * optional features runs with those features off, announced once per start as `web_contract`.
 */
import type { WebPage } from '../web/web-page';
import type { EmitClientEvent } from './events';

/** After the first boot of a start: throws an `IncompatibleWebError` (login), or emits `web_contract`. */
export function checkContract(web: WebPage, emit: EmitClientEvent): void {
  web.assertCompatible();
  if (web.missing.length > 0) emit('web_contract', { build: web.version ?? 'unknown', missing: [...web.missing] });
}
