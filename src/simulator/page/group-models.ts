/**
 * A group chat's metadata as the app keeps it (`chat.groupMetadata`): subject, owner, description,
 * the settings only admins may change, and the participants, a collection that knows which of them
 * is this account; with membership approval on, the requests to join that wait for an admin.
 */
import type { WireGroup } from '../protocol';
import { Collection, Model } from './models';
import { createWid, type Wid } from './wid';

export class ParticipantModel extends Model {
  constructor(
    readonly id: Wid,
    public isAdmin: boolean,
    public isSuperAdmin: boolean,
  ) {
    super();
  }

  serialize(): Record<string, unknown> {
    return { id: this.id, isAdmin: this.isAdmin, isSuperAdmin: this.isSuperAdmin };
  }
}

/** The participants of a group; `me` is this account (its pn or its lid). */
export class ParticipantCollection extends Collection<ParticipantModel> {
  constructor(private readonly me: () => Wid[]) {
    super(ParticipantModel);
  }

  iAmAdmin(): boolean {
    return this.me().some((wid) => this.get(wid)?.isAdmin === true);
  }

  serialize(): Array<Record<string, unknown>> {
    return this.getModelsArray().map((p) => p.serialize());
  }
}

/** A request to join that waits for an admin. */
export class MembershipApprovalRequestModel extends Model {
  constructor(
    readonly id: Wid,
    readonly addedBy: Wid,
    readonly requestMethod: string,
    readonly t: number,
  ) {
    super();
  }

  serialize(): Record<string, unknown> {
    return { id: this.id, addedBy: this.addedBy, parentGroupId: null, requestMethod: this.requestMethod, t: this.t };
  }
}

/** The requests of a group; `_models` is the array the app's collections keep. */
export class MembershipApprovalRequestCollection extends Collection<MembershipApprovalRequestModel> {
  constructor() {
    super(MembershipApprovalRequestModel);
  }

  get _models(): MembershipApprovalRequestModel[] {
    return this.getModelsArray();
  }
}

export class GroupMetadata extends Model {
  readonly id: Wid;
  readonly participants: ParticipantCollection;
  subject: string;
  owner: Wid;
  desc: string;
  descId: string | undefined;
  creation: number;
  announce: boolean;
  restrict: boolean;
  memberAddMode: 'admin_add' | 'all_member_add';
  membershipApprovalMode: boolean;
  readonly membershipApprovalRequests = new MembershipApprovalRequestCollection();
  isLidAddressingMode = false;

  constructor(group: WireGroup, me: () => Wid[]) {
    super();
    this.id = createWid(group.id);
    this.subject = group.subject;
    this.owner = createWid(group.owner);
    this.desc = group.desc;
    this.descId = group.descId;
    this.creation = group.creation;
    this.announce = group.announce === true;
    this.restrict = group.restrict === true;
    this.memberAddMode = group.memberAddMode ?? 'all_member_add';
    this.membershipApprovalMode = group.membershipApproval === true;
    for (const r of group.requests ?? [])
      this.membershipApprovalRequests.add(new MembershipApprovalRequestModel(createWid(r.id), createWid(r.addedBy), r.method, r.t));
    this.participants = new ParticipantCollection(me);
    for (const p of group.participants) this.participants.add(new ParticipantModel(createWid(p.id), p.isAdmin, p.isSuperAdmin));
  }

  serialize(): Record<string, unknown> {
    return {
      id: this.id,
      subject: this.subject,
      owner: this.owner,
      desc: this.desc,
      descId: this.descId,
      creation: this.creation,
      announce: this.announce,
      restrict: this.restrict,
      memberAddMode: this.memberAddMode,
      membershipApprovalMode: this.membershipApprovalMode,
      size: this.participants.length,
      isLidAddressingMode: this.isLidAddressingMode,
      participants: this.participants.serialize(),
    };
  }
}
