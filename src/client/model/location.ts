/** whatsapp-web.js's `Location`: a place sent with `sendMessage`, or read from `message.location`. */
import { InvalidOptionError } from '../../errors';
import type { PageLocation } from '../../web/bridge';

/** A place, as whatsapp-web.js's `Location`: sent with `sendMessage`, read from `message.location`. */
export class Location {
  /**
   * Degrees north, a number at run time as in whatsapp-web.js, whose declaration (kept here, so a waweb
   * `Location` is a whatsapp-web.js `Location`) says `string`: read it with `Number(location.latitude)`.
   */
  readonly latitude: string;
  /** Degrees east, a number at run time (see `latitude`). */
  readonly longitude: string;
  readonly name: string | undefined;
  readonly address: string | undefined;
  readonly url: string | undefined;
  /** `name` and `address` on two lines (either alone when only one is set). */
  readonly description: string;

  constructor(latitude: number, longitude: number, options: { name?: string; address?: string; url?: string } = {}) {
    if (!Number.isFinite(latitude) || latitude < -90 || latitude > 90)
      throw new InvalidOptionError('latitude must be a number from -90 to 90');
    if (!Number.isFinite(longitude) || longitude < -180 || longitude > 180)
      throw new InvalidOptionError('longitude must be a number from -180 to 180');
    this.latitude = latitude as unknown as string;
    this.longitude = longitude as unknown as string;
    this.name = options.name;
    this.address = options.address;
    this.url = options.url;
    this.description = this.name && this.address ? `${this.name}\n${this.address}` : this.name || this.address || '';
  }

  /** The location of a received message. */
  static from(data: PageLocation): Location {
    return new Location(data.latitude, data.longitude, {
      ...(data.name === undefined ? {} : { name: data.name }),
      ...(data.address === undefined ? {} : { address: data.address }),
      ...(data.url === undefined ? {} : { url: data.url }),
    });
  }
}
