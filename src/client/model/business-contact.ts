import { installNotYet } from '../compat/install';
import { BUSINESS_CONTACT_MEMBERS } from '../compat/model-members';
import { Contact } from './contact';
import type { Wid } from './wid';

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

/** A business contact (whatsapp-web.js's `BusinessContact`); its profile is not read yet (issue 27). */
export class BusinessContact extends Contact {
  declare readonly businessProfile: BusinessProfile;
}

installNotYet(BusinessContact.prototype, 'BusinessContact', BUSINESS_CONTACT_MEMBERS);
