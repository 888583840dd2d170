import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Kysely } from 'kysely';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { flateStream, pdf } from '../../testing/pdf.js';
import type { DB } from '../db/schema.js';
import { FileStore, type ObjectStore } from './files.js';

/** Just enough of Kysely for `save`: the attachments insert, which fails when asked to. */
function fakeDb(insert: 'ok' | 'fail'): Kysely<DB> {
  const execute = async () => {
    if (insert === 'fail') throw new Error('the database is down');
    return [];
  };
  const chain = { values: () => chain, onConflict: () => chain, execute };
  return { insertInto: () => chain } as unknown as Kysely<DB>;
}

/** Every file under the folder, relative. */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => fs.statSync(path.join(dir, f)).isFile())
    .sort();
}

const png = () =>
  sharp({ create: { width: 64, height: 48, channels: 3, background: '#36c' } })
    .png()
    .toBuffer();

describe('FileStore.save leaves nothing on disk when it refuses or fails', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wangge-files-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('refuses a PDF with JavaScript, even inside a compressed object stream, and writes nothing', async () => {
    const store = new FileStore(fakeDb('ok'), dir);
    const plain = pdf('<< /Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>');
    const hidden = pdf('<< /Type /Catalog >>', flateStream('3 0 << /S /JavaScript /JS (x) >>'));
    for (const bytes of [plain, hidden]) {
      await expect(store.save(bytes, 'a.pdf', null)).rejects.toMatchObject({
        code: 'pdf_active_content',
        status: 400,
      });
    }
    expect(filesUnder(dir)).toEqual([]);
    const clean = await store.save(pdf('<< /Type /Catalog >>'), 'ok.pdf', null);
    expect(filesUnder(dir)).toEqual([path.join(clean.hash.slice(0, 2), clean.hash)]);
  });

  it('refuses a damaged image before writing it or its thumbnail', async () => {
    const store = new FileStore(fakeDb('ok'), dir);
    const broken = (await png()).subarray(0, 60);
    await expect(store.save(broken, 'a.png', null)).rejects.toMatchObject({ code: 'file_corrupt' });
    expect(filesUnder(dir)).toEqual([]);
  });

  it('takes back the file and its thumbnail when recording it fails', async () => {
    const bytes = await png();
    await expect(new FileStore(fakeDb('fail'), dir).save(bytes, 'a.png', null)).rejects.toThrow(/down/);
    expect(filesUnder(dir)).toEqual([]);
    const stored = await new FileStore(fakeDb('ok'), dir).save(bytes, 'a.png', null);
    expect(filesUnder(dir)).toEqual([
      path.join(stored.hash.slice(0, 2), stored.hash),
      path.join('thumbs', `${stored.hash}.webp`),
    ]);
  });

  it('keeps a file stored earlier when a second save of the same bytes fails', async () => {
    const bytes = await png();
    await new FileStore(fakeDb('ok'), dir).save(bytes, 'a.png', null);
    const before = filesUnder(dir);
    await expect(new FileStore(fakeDb('fail'), dir).save(bytes, 'b.png', null)).rejects.toThrow();
    expect(filesUnder(dir)).toEqual(before);
  });
});

describe('FileStore over another ObjectStore (the shape an S3-compatible bucket implements)', () => {
  it('writes content keys once, takes back a failed save and reads through the interface only', async () => {
    const objects = new Map<string, Buffer>();
    const bucket: ObjectStore = {
      async putIfAbsent(key, bytes) {
        if (objects.has(key)) return false;
        objects.set(key, bytes);
        return true;
      },
      async get(key) {
        const b = objects.get(key);
        if (!b) throw new Error(`NoSuchKey ${key}`);
        return b;
      },
      async delete(key) {
        objects.delete(key);
      },
    };
    const bytes = await png();
    await expect(new FileStore(fakeDb('fail'), bucket).save(bytes, 'a.png', null)).rejects.toThrow(/down/);
    expect([...objects.keys()]).toEqual([]);
    const stored = await new FileStore(fakeDb('ok'), bucket).save(bytes, 'a.png', null);
    expect([...objects.keys()].sort()).toEqual([
      `${stored.hash.slice(0, 2)}/${stored.hash}`,
      `thumbs/${stored.hash}.webp`,
    ]);
    expect(objects.get(`${stored.hash.slice(0, 2)}/${stored.hash}`)?.equals(bytes)).toBe(true);
  });
});
