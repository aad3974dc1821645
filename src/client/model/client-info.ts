import { asDeclared } from '../compat/declared';
import type { ModelClient } from './model-client';
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

  readonly #client: ModelClient | undefined;

  constructor(data: { wid: Wid; pushname: string; platform: string }, client?: ModelClient) {
    this.#client = client;
    this.wid = data.wid;
    this.me = data.wid;
    this.pushname = data.pushname;
    this.platform = data.platform;
  }

  /**
   * The phone's battery, as whatsapp-web.js reads it from the app's connection. Multi-device sessions have
   * none: both fields are `undefined` then, as in whatsapp-web.js at run time (it declares numbers).
   */
  async getBatteryStatus(): Promise<BatteryInfo> {
    if (!this.#client) return { battery: asDeclared<number>(undefined), plugged: asDeclared<boolean>(undefined) };
    const { battery, plugged } = await this.#client.readyPage('getBatteryStatus()').call('battery');
    return { battery: asDeclared<number>(battery), plugged: asDeclared<boolean>(plugged) };
  }
}
