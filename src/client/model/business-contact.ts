import type { PageContact } from '../../web/bridge';
import { asDeclared } from '../compat/declared';
import { installNotYet } from '../compat/install';
import { BUSINESS_CONTACT_MEMBERS } from '../compat/model-members';
import { Contact } from './contact';
import type { ModelClient } from './model-client';
import { toWid, type Wid } from './wid';

export interface BusinessCategory {
  id: string;
  localized_display_name: string;
}

export interface BusinessHoursOfDay {
  mode: string;
  hours: number[];
}

export interface BusinessHours {
  config: {
    sun: BusinessHoursOfDay;
    mon: BusinessHoursOfDay;
    tue: BusinessHoursOfDay;
    wed: BusinessHoursOfDay;
    thu: BusinessHoursOfDay;
    fri: BusinessHoursOfDay;
  };
  timezone: string;
}

/** A business's public profile (`BusinessContact.businessProfile`). */
export interface BusinessProfile {
  id: Wid;
  tag: string;
  description: string;
  categories: BusinessCategory[];
  profileOptions: { commerceExperience: string; cartEnabled: boolean };
  email: string;
  website: string[];
  latitude: number;
  longitude: number;
  businessHours: BusinessHours;
  address: string;
  fbPage: object;
  ifProfileLinked: boolean;
  coverPhoto: unknown;
}

/** A business contact (whatsapp-web.js's `BusinessContact`). */
export class BusinessContact extends Contact {
  /** Its profile as the app describes it (the fields the business filled in); `undefined` when the app has none. */
  readonly businessProfile: BusinessProfile;

  constructor(client: ModelClient, data: PageContact) {
    super(client, data);
    const profile = data.businessProfile;
    this.businessProfile = asDeclared(
      profile ? ({ ...profile, id: toWid(String(profile['id'])) } as unknown as BusinessProfile) : undefined,
    );
  }
}

installNotYet(BusinessContact.prototype, 'BusinessContact', BUSINESS_CONTACT_MEMBERS);
