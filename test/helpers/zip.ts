/**
 * Builds zip archives entry by entry (yazl), for tests that feed hand-made,
 * damaged or hostile archives to the restore code.
 */
import * as yazl from 'yazl';

export interface ZipItem {
  name: string;
  data?: Buffer | string;
  dir?: boolean;
  mode?: number;
  compress?: boolean;
}

/** A zip of `items`, in order (files compressed unless `compress: false`). */
export function makeZip(items: readonly ZipItem[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const zip = new yazl.ZipFile();
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
    for (const it of items) {
      if (it.dir) zip.addEmptyDirectory(it.name, it.mode === undefined ? {} : { mode: it.mode });
      else {
        const data = typeof it.data === 'string' ? Buffer.from(it.data) : (it.data ?? Buffer.alloc(0));
        zip.addBuffer(data, it.name, { ...(it.mode === undefined ? {} : { mode: it.mode }), compress: it.compress ?? true });
      }
    }
    zip.end();
  });
}

/** yazl refuses hostile names, so build with a same-length placeholder and patch every occurrence (local + central). */
export function patchName(zip: Buffer, placeholder: string, hostile: string): Buffer {
  const from = Buffer.from(placeholder);
  const to = Buffer.from(hostile);
  expect(to.length).toBe(from.length);
  const out = Buffer.from(zip);
  let hits = 0;
  for (let i = out.indexOf(from); i !== -1; i = out.indexOf(from, i + 1)) {
    to.copy(out, i);
    hits++;
  }
  expect(hits).toBe(2);
  return out;
}
