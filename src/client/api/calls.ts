/**
 * The client's calls about calls: call links (`createCallLink`). Incoming calls are the `call` event
 * (model-events.ts) and `Call.reject()`. Installed on `Client`'s prototype (client.ts).
 */
import { InvalidOptionError } from '../../errors';
import type { ModelClient } from '../model/model-client';

export interface CallsApi {
  /**
   * A WhatsApp call link (`https://call.whatsapp.com/<type>/<token>`) for a call starting at `startTime`;
   * '' when the app made none. `callType`: `video` or `voice` (anything else is `INVALID_OPTION`).
   */
  createCallLink(startTime: Date, callType: string): Promise<string>;
}

export const callsApi: CallsApi & ThisType<ModelClient> = {
  async createCallLink(startTime: Date, callType: string): Promise<string> {
    if (callType !== 'video' && callType !== 'voice') throw new InvalidOptionError("createCallLink: callType must be 'voice' or 'video'");
    if (!(startTime instanceof Date) || Number.isNaN(startTime.getTime()))
      throw new InvalidOptionError('createCallLink: startTime must be a valid Date');
    return this.readyPage('createCallLink()').call('createCallLink', Math.floor(startTime.getTime() / 1000), callType);
  },
};
