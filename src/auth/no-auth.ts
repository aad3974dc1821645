import { AuthStrategy } from './strategy';

/** No stored session: every start is a fresh browser profile and a new QR. */
export class NoAuth extends AuthStrategy {
  readonly name = 'no-auth';
}
