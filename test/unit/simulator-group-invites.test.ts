/**
 * The servers keep each group's invite code and its requests to join: only admins read or renew the
 * code, members see neither the code nor (from their phones) anything but the group, a revoked code
 * leads nowhere, requests wait for an admin when approval is on, and all of it survives a restart.
 */
import { join } from 'node:path';
import { WhatsAppSimulator } from '../../src/simulator';
import { tempDir, type TempDir } from '../helpers/tmp';

let dir: TempDir;
let sim: WhatsAppSimulator | undefined;
beforeEach(async () => {
  dir = await tempDir('waweb-sim-invites-');
});
afterEach(async () => {
  await sim?.close();
  sim = undefined;
  await dir.remove();
});

const [A, B, C, D] = ['15550003101', '15550003102', '15550003103', '15550003104'];

test('an invite code is for admins, joins anyone who has it, and stops working once revoked', async () => {
  sim = await WhatsAppSimulator.start({ adminPort: false });
  const [a, b, c, d] = [sim.phone(A, { pushname: 'A' }), sim.phone(B, { pushname: 'B' }), sim.phone(C), sim.phone(D)];
  const group = await a.createGroup('Linked', [B]);
  await expect(b.groupInviteCode(group.id)).rejects.toMatchObject({ status: 403 });
  await expect(c.groupInviteCode(group.id)).rejects.toMatchObject({ status: 404 });
  const code = await a.groupInviteCode(group.id);
  // The code is the servers' alone: no member's copy of the group carries it.
  expect(JSON.stringify(b.group(group.id))).not.toContain(code);
  expect(JSON.stringify(a.group(group.id))).not.toContain(code);

  expect(await c.joinGroupByCode(code)).toEqual({ groupId: group.id, pending: false });
  expect(b.receivedMessages().find((m) => m.subtype === 'invite')).toMatchObject({ author: `${C}@c.us`, recipients: [`${C}@c.us`] });
  // Joining again changes nothing.
  expect(await c.joinGroupByCode(code)).toEqual({ groupId: group.id, pending: false });
  expect(a.group(group.id)?.participants.filter((p) => p.id === `${C}@c.us`)).toHaveLength(1);

  await expect(b.revokeGroupInvite(group.id)).rejects.toMatchObject({ status: 403 });
  const fresh = await a.revokeGroupInvite(group.id);
  expect(fresh).not.toBe(code);
  await expect(d.joinGroupByCode(code)).rejects.toMatchObject({ status: 404 });
  await expect(d.joinGroupByCode('')).rejects.toMatchObject({ status: 404 });
});

test('with approval on a link only asks; the admins see the requests and decide; the code and the requests survive a restart', async () => {
  const stateFile = join(dir.path, 'state.json');
  sim = await WhatsAppSimulator.start({ adminPort: false, stateFile });
  const [a, b] = [sim.phone(A, { pushname: 'A' }), sim.phone(B, { pushname: 'B' })];
  const group = await a.createGroup('Vetted', [B], { membershipApproval: true });
  expect(b.group(group.id)?.membershipApproval).toBe(true);
  const code = await a.groupInviteCode(group.id);
  expect(await sim.phone(C).joinGroupByCode(code)).toEqual({ groupId: group.id, pending: true });
  expect(await sim.phone(C).joinGroupByCode(code)).toEqual({ groupId: group.id, pending: true });
  expect(await sim.phone(D).joinGroupByCode(code)).toEqual({ groupId: group.id, pending: true });
  expect(sim.phone(C).group(group.id)).toBeUndefined();
  // Only admins hear of a request.
  expect(a.receivedMessages().filter((m) => m.subtype === 'membership_approval_request')).toHaveLength(2);
  expect(b.receivedMessages().some((m) => m.subtype === 'membership_approval_request')).toBe(false);
  await expect(Promise.resolve().then(() => b.groupJoinRequests(group.id))).rejects.toMatchObject({ status: 403 });

  await sim.close();
  sim = await WhatsAppSimulator.start({ adminPort: false, stateFile });
  const admin = sim.phone(A);
  expect(await admin.groupInviteCode(group.id)).toBe(code);
  expect(admin.groupJoinRequests(group.id).map((r) => [r.id, r.method])).toEqual([
    [`${C}@c.us`, 'InviteLink'],
    [`${D}@c.us`, 'InviteLink'],
  ]);
  expect(await admin.decideGroupJoin(group.id, C, true)).toBe(200);
  expect(
    sim
      .phone(C)
      .group(group.id)
      ?.participants.map((p) => p.id),
  ).toContain(`${C}@c.us`);
  expect(await admin.decideGroupJoin(group.id, D, false)).toBe(200);
  expect(await admin.decideGroupJoin(group.id, D, false)).toBe(404);
  expect(sim.phone(D).group(group.id)).toBeUndefined();
  expect(admin.groupJoinRequests(group.id)).toEqual([]);

  await admin.setGroupSetting(group.id, 'membershipApproval', false);
  expect(await sim.phone(D).joinGroupByCode(code)).toEqual({ groupId: group.id, pending: false });
});
