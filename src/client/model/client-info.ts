import { asDeclared } from '../compat/declared';
import { installNotYet } from '../compat/install';
import { CLIENT_INFO_MEMBERS } from '../compat/client-members';
import type { Wid } from './wid';

/** The phone of a pre-multi-device session (whatsapp-web.js's deprecated `ClientInfoPhone`). */
export interface ClientInfoPhone {
  wa_version: string;
  os_version: string;
  device_manufacturer: string;
  device_model: string;
  os_build_number: string;
}

/** whatsapp-web.js's deprecated battery report. */
export interface BatteryInfo {
  battery: number;
  plugged: boolean;
}

/** The logged-in account (`client.info`, set at `ready`), as whatsapp-web.js's `ClientInfo`. */
export class ClientInfo {
  /** The account's id. */
  readonly wid: Wid;
  /** The account's id under its deprecated name. */
  readonly me: Wid;
  /** The name shown in notifications. */
  readonly pushname: string;
  /** The phone's platform (`android`, `iphone`, `smba`, ...). */
  readonly platform: string;
  /** Multi-device sessions have no phone record: always `undefined`, as in whatsapp-web.js (declared `ClientInfoPhone`). */
  readonly phone: ClientInfoPhone = asDeclared<ClientInfoPhone>(undefined);

  declare readonly getBatteryStatus: () => Promise<BatteryInfo>;

  constructor(data: { wid: Wid; pushname: string; platform: string }) {
    this.wid = data.wid;
    this.me = data.wid;
    this.pushname = data.pushname;
    this.platform = data.platform;
  }
}

installNotYet(ClientInfo.prototype, 'ClientInfo', CLIENT_INFO_MEMBERS);
