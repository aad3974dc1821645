import { Contact } from './contact';

/** A contact that is not a business (whatsapp-web.js's `PrivateContact`): everything a `Contact` has. */
export class PrivateContact extends Contact {}
