/**
 * `WAWebCollections.Contact`'s models: a user or group the account knows, its names, block state, LID's
 * phone number, business marks and labels, as the simulated app fills them.
 */
import { Model } from './models';
import { createWid, type Wid } from './wid';

export class ContactModel extends Model {
  readonly id: Wid;
  name: string | undefined;
  pushname: string | undefined;
  isContactBlocked = false;
  /** A LID contact's phone-number wid, when the app knows it (whatsapp-web.js reports it as the contact's id). */
  phoneNumber: Wid | undefined;
  /** A business account (its profile in `WAWebCollections.BusinessProfile`), and the name it is verified by. */
  isBusiness = false;
  verifiedName: string | undefined = undefined;
  /** The labels a business account put on the contact's chat (label ids). */
  labels: string[] | undefined = undefined;
  /** Set by `WAWebFindCommonGroupsContactAction.findCommonGroups`. */
  commonGroups: { serialize(): unknown[] } | undefined;
  /** A wid, or Backbone-style attributes (`new Contact.constructor({ id })`, as clients make one). */
  constructor(id: Wid | { id: unknown }, name?: string) {
    super();
    this.id = 'id' in id ? createWid(id.id) : id;
    this.name = name;
  }
  serialize(): Record<string, unknown> {
    return {
      id: this.id,
      name: this.name,
      pushname: this.pushname,
      type: 'in',
      isMe: false,
      isUser: this.id.isUser(),
      isGroup: this.id.isGroup(),
      labels: this.labels,
    };
  }
}
