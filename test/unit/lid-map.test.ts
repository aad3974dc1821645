/**
 * The session's LID ↔ phone-number map (src/client/lid-map.ts): it fills the id a message or reaction
 * lacks, learns pairs from those that carry both, keeps them in the profile's `Default/Local Storage/`
 * (so a session archive carries it), and starts empty from a missing or damaged file.
 */
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createSessionArchive } from '../../src/archive';
import { LID_MAP_FILE, LidMap } from '../../src/client/lid-map';
import { silentLogger } from '../../src/util/logger';

const LID = '123456789012345@lid';
const PN = '15550001234@c.us';
let dir: string;
let maps: LidMap[] = [];

/** A map on this test's folder; its pending writes are waited for before the folder goes. */
async function loadMap(at = dir): Promise<LidMap> {
  const map = await LidMap.load(at, silentLogger);
  maps.push(map);
  return map;
}

beforeEach(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'waweb-lid-map-'));
});
afterEach(async () => {
  await Promise.all(maps.map((m) => m.flushed()));
  maps = [];
  await fsp.rm(dir, { recursive: true, force: true });
});

test('a pair learned from one message fills the missing id of the next, both ways', async () => {
  const map = await loadMap();
  expect(map.complete({ senderLid: LID, senderPn: PN })).toEqual({ senderLid: LID, senderPn: PN });
  expect(map.complete({ senderLid: LID })).toEqual({ senderLid: LID, senderPn: PN });
  expect(map.complete({ senderPn: PN })).toEqual({ senderLid: LID, senderPn: PN });
  expect(map.complete({ senderLid: '999@lid' })).toEqual({ senderLid: '999@lid' });
});

test('ids that are not a LID and a phone-number id are not learned', async () => {
  const map = await loadMap();
  map.learn(PN, LID);
  map.learn('123@g.us', PN);
  map.learn(LID, 'status@broadcast');
  expect(map.size).toBe(0);
});

test('a number that moves to another LID leaves its old pair', async () => {
  const map = await loadMap();
  map.learn(LID, PN);
  map.learn('222222222222222@lid', PN);
  expect(map.pnOf(LID)).toBeUndefined();
  expect(map.lidOf(PN)).toBe('222222222222222@lid');
});

test('the map is written into the profile, read by the next start, and carried by a session archive', async () => {
  const first = await loadMap();
  first.learn(LID, PN);
  await first.flushed();
  const again = await loadMap();
  expect(again.pnOf(LID)).toBe(PN);

  // A profile with session data of the app's origin, so that it may be archived.
  await fsp.mkdir(path.join(dir, 'Default', 'Local Storage', 'leveldb'), { recursive: true });
  await fsp.writeFile(path.join(dir, 'Default', 'Local Storage', 'leveldb', '000003.log'), '_https://web.whatsapp.com\0\x01WAToken1');
  const archive = await createSessionArchive(dir, { clientId: 'lid', tempDir: dir });
  // Entry names are stored as they are in a zip.
  expect(archive.data.includes(Buffer.from(LID_MAP_FILE.split(path.sep).join('/')))).toBe(true);
});

test('a damaged file starts an empty map (it is only a cache), and without a profile nothing is written', async () => {
  await fsp.mkdir(path.dirname(path.join(dir, LID_MAP_FILE)), { recursive: true });
  await fsp.writeFile(path.join(dir, LID_MAP_FILE), '{not json');
  expect((await loadMap()).size).toBe(0);
  const memory = LidMap.inMemory(silentLogger);
  memory.learn(LID, PN);
  await memory.flushed();
  expect(memory.pnOf(LID)).toBe(PN);
});
