import type { PageContact } from '../../web/bridge';
import { BusinessContact } from './business-contact';
import type { Contact } from './contact';
import type { ModelClient } from './model-client';
import { PrivateContact } from './private-contact';

/** A page contact as the kind of `Contact` it is: a `BusinessContact` or a `PrivateContact`. */
export function contactFrom(client: ModelClient, data: PageContact): Contact {
  return data.isBusiness ? new BusinessContact(client, data) : new PrivateContact(client, data);
}
