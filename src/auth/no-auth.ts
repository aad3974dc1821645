import { AuthStrategy, type BrowserPlan, type LaunchRequest } from './strategy';

/** No stored session: every start is a fresh browser profile and a new QR. */
export class NoAuth extends AuthStrategy {
  readonly name = 'no-auth';
  /** A throwaway profile: any pooled browser with the client's launch will do. */
  override readonly poolArgs: readonly string[] = [];

  /** Takes the pooled browser when there is one: its empty folder is all a new login needs. */
  override async beforeBrowserInitialized(request: LaunchRequest): Promise<BrowserPlan> {
    return request.pooledProfile === undefined ? {} : { userDataDir: request.pooledProfile };
  }
}
