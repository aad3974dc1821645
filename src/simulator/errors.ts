import { ErrorCode, WawebError } from '../errors';

/**
 * A phone/admin request the simulator refused. `status` is the HTTP status the
 * admin API answers with (400 bad input, 403 not allowed, 404 unknown, 409 wrong state, 410 expired).
 */
export class SimulatorError extends WawebError {
  constructor(
    readonly status: 400 | 403 | 404 | 409 | 410 | 500,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(ErrorCode.SIMULATOR, message, options);
  }
}
