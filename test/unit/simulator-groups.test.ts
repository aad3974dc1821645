/**
 * The simulator keeps one record per group: every member's phone sees the same group and each
 * change, state files from before (a copy per account) are read into it, and the servers refuse
 * what a group's settings keep for admins.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { WhatsAppSimulator, SimulatorError } from '../../src/simulator';
import { tempDir, type TempDir } from '../helpers/tmp';

let dir: TempDir;
let sim: WhatsAppSimulator | undefined;
beforeEach(async () => {
  dir = await tempDir('waweb-sim-groups-');
});
afterEach(async () => {
  await sim?.close();
  sim = undefined;
  await dir.remove();
});

const [A, B, C] = ['15550003001', '15550003002', '15550003003'];

test("a group a phone creates is every member's: each phone sees it, its changes and its texts", async () => {
  sim = await WhatsAppSimulator.start({ adminPort: false });
  const [a, b, c] = [sim.phone(A, { pushname: 'A' }), sim.phone(B, { pushname: 'B' }), sim.phone(C, { pushname: 'C' })];
  const group = await a.createGroup('Shared', [B]);
  expect(b.group(group.id)?.subject).toBe('Shared');
  expect(c.groups()).toEqual([]);

  await a.changeGroup(group.id, 'add', C);
  expect(c.group(group.id)?.participants.map((p) => p.id)).toEqual([`${A}@c.us`, `${B}@c.us`, `${C}@c.us`]);
  expect(b.receivedMessages().find((m) => m.type === 'gp2')).toMatchObject({
    subtype: 'add',
    recipients: [`${C}@c.us`],
    author: `${A}@c.us`,
  });

  await b.sendGroupText(group.id, 'hi all');
  expect(c.receivedMessages().find((m) => m.body === 'hi all')).toMatchObject({ chatId: group.id, author: `${B}@c.us`, fromMe: false });

  // B is no admin: it may change the subject until info is for admins only, never the settings.
  await b.setGroupSubject(group.id, 'Renamed');
  expect(c.group(group.id)?.subject).toBe('Renamed');
  await expect(b.setGroupSetting(group.id, 'infoAdminsOnly', true)).rejects.toMatchObject({ status: 403 });
  await a.setGroupSetting(group.id, 'infoAdminsOnly', true);
  const refused = await b.setGroupSubject(group.id, 'Mine').catch((err: unknown) => err);
  expect(refused).toBeInstanceOf(SimulatorError);
  expect(refused).toMatchObject({ status: 403 });
  await expect(b.changeGroup(group.id, 'remove', A)).rejects.toMatchObject({ status: 403 });

  await c.leaveGroup(group.id);
  expect(c.groups()).toEqual([]);
  expect(a.group(group.id)?.participants.map((p) => p.id)).toEqual([`${A}@c.us`, `${B}@c.us`]);
  expect(a.receivedMessages().some((m) => m.subtype === 'leave' && m.author === `${C}@c.us`)).toBe(true);
});

test('a state file with per-account groups is read into one shared group, and saved that way', async () => {
  const stateFile = join(dir.path, 'state.json');
  const group = {
    id: '120363000000000001@g.us',
    subject: 'Old',
    owner: `${A}@c.us`,
    desc: '',
    creation: 1,
    participants: [
      { id: `${A}@c.us`, isAdmin: true, isSuperAdmin: true },
      { id: `${B}@c.us`, isAdmin: false, isSuperAdmin: false },
    ],
  };
  const account = (number: string, groups?: unknown) => ({ number, pushname: number, devices: [], sent: [], offline: {}, groups });
  await writeFile(stateFile, JSON.stringify({ version: 1, accounts: [account(A, { [group.id]: group }), account(B)] }));
  sim = await WhatsAppSimulator.start({ adminPort: false, stateFile });
  expect(sim.phone(A).group(group.id)).toMatchObject({ subject: 'Old', announce: false, restrict: false, memberAddMode: 'all_member_add' });
  // B's account had no copy: the shared record is its too.
  expect(
    sim
      .phone(B)
      .groups()
      .map((g) => g.id),
  ).toEqual([group.id]);

  await sim.phone(B).setGroupSubject(group.id, 'New');
  const saved = JSON.parse(await readFile(stateFile, 'utf8')) as {
    accounts: Array<{ groups?: unknown }>;
    groups: Array<{ subject: string }>;
  };
  expect(saved.groups.map((g) => g.subject)).toEqual(['New']);
  expect(saved.accounts.every((a) => a.groups === undefined)).toBe(true);
});

test('the phone API over HTTP: create, change, rename, settings, texts and leave; refusals keep their status', async () => {
  sim = await WhatsAppSimulator.start();
  sim.phone(B, { pushname: 'B' });
  const call = async (method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, any> }> => {
    const res = await fetch(`${sim!.adminUrl!}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, json: (await res.json()) as Record<string, any> };
  };
  const created = await call('POST', `/phones/${A}/groups`, { subject: 'Over HTTP', participants: [B] });
  expect(created.status).toBe(200);
  const id = created.json['group'].id as string;
  expect((await call('POST', `/phones/${A}/groups/${id}/participants`, { change: 'add', member: C })).json['notification']).toMatchObject({
    subtype: 'add',
  });
  expect((await call('POST', `/phones/${A}/groups/${id}/subject`, { value: 'Renamed' })).status).toBe(200);
  expect((await call('POST', `/phones/${A}/groups/${id}/settings/messagesAdminsOnly`, { on: true })).status).toBe(200);
  // B is no admin: its text and its settings are refused.
  expect((await call('POST', `/phones/${B}/groups/${id}/messages`, { body: 'hi' })).status).toBe(403);
  expect((await call('POST', `/phones/${B}/groups/${id}/settings/infoAdminsOnly`, { on: true })).status).toBe(403);
  expect((await call('POST', `/phones/${A}/groups/${id}/settings/nonsense`, { on: true })).status).toBe(400);
  expect((await call('POST', `/phones/${A}/groups/${id}/messages`, { body: 'from the admin' })).json['message']).toMatchObject({
    author: `${A}@c.us`,
  });
  expect((await call('DELETE', `/phones/${B}/groups/${id}`)).json['notification']).toMatchObject({ subtype: 'leave' });
  expect((await call('GET', `/phones/${B}/groups`)).json['groups']).toEqual([]);
  expect((await call('GET', `/phones/${C}/groups`)).json['groups'][0]).toMatchObject({ subject: 'Renamed', announce: true });
});
