/**
 * Uploaded files on local disk by content hash: the type is sniffed from the bytes (never the name),
 * the size is limited, images get a thumbnail. The same bytes uploaded twice are stored once.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileTypeFromBuffer } from 'file-type';
import type { Kysely } from 'kysely';
import sharp from 'sharp';
import type { DB } from '../db/schema.js';
import { Invalid, NotFound, TooLarge } from '../errors.js';
import { pdfHasActiveContent } from './pdf.js';

export const ALLOWED_TYPES: Readonly<Record<string, string>> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'application/pdf': 'pdf',
};
export const IMAGE_TYPES: readonly string[] = ['image/jpeg', 'image/png', 'image/webp'];
export const THUMB_WIDTH = 320;
export const DEFAULT_MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

export interface StoredFile {
  hash: string;
  mime: string;
  size: number;
  width: number | null;
  height: number | null;
  thumbnail: boolean;
}

export class FileStore {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly dir: string,
    readonly maxBytes = DEFAULT_MAX_UPLOAD_BYTES,
  ) {}

  private pathOf(hash: string, thumb = false): string {
    return thumb
      ? path.join(this.dir, 'thumbs', `${hash}.webp`)
      : path.join(this.dir, hash.slice(0, 2), hash);
  }

  /** Stores the bytes if their sniffed type is one of `accept` (by default photos and PDFs); nothing otherwise. */
  async save(
    bytes: Buffer,
    originalName: string,
    userId: string | null,
    accept: readonly string[] = Object.keys(ALLOWED_TYPES),
  ): Promise<StoredFile> {
    if (bytes.length === 0) throw new Invalid('file_empty', 'The file is empty.');
    if (bytes.length > this.maxBytes) {
      throw new TooLarge('file_too_large', `Files may be at most ${Math.round(this.maxBytes / 1048576)} MB.`);
    }
    const sniffed = await fileTypeFromBuffer(bytes);
    if (!sniffed || !accept.includes(sniffed.mime)) {
      throw new Invalid(
        'file_type',
        `The file's content is ${sniffed?.mime ?? 'not a known type'}; send one of ${accept.join(', ')}.`,
      );
    }
    if (sniffed.mime === 'application/pdf' && pdfHasActiveContent(bytes)) {
      throw new Invalid('pdf_active_content', 'The PDF contains JavaScript; it is refused for safety.');
    }
    const hash = createHash('sha256').update(bytes).digest('hex');
    // Everything that can refuse the file runs before anything is written.
    let thumb: Buffer | null = null;
    let meta = { width: null as number | null, height: null as number | null, thumbnail: false };
    if (IMAGE_TYPES.includes(sniffed.mime)) {
      try {
        const image = sharp(bytes, { failOn: 'error' });
        const m = await image.metadata();
        thumb = await image
          .rotate()
          .resize({ width: THUMB_WIDTH, withoutEnlargement: true })
          .webp()
          .toBuffer();
        meta = { width: m.width ?? null, height: m.height ?? null, thumbnail: true };
      } catch {
        throw new Invalid('file_corrupt', 'The image cannot be read; it may be damaged.');
      }
    }
    const row = { hash, mime: sniffed.mime, size: bytes.length, ...meta };
    // A failure after writing (the row insert) takes back what this call wrote: no file without its row.
    const written: string[] = [];
    try {
      if (thumb && (await writeOnce(this.pathOf(hash, true), thumb))) written.push(this.pathOf(hash, true));
      if (await writeOnce(this.pathOf(hash), bytes)) written.push(this.pathOf(hash));
      await this.db
        .insertInto('attachments')
        .values({ ...row, original_name: originalName.slice(0, 200), created_by: userId })
        .onConflict((oc) => oc.column('hash').doNothing())
        .execute();
    } catch (err) {
      await Promise.all(written.map(removeFile));
      throw err;
    }
    return row;
  }

  async read(hash: string, thumb: boolean): Promise<{ bytes: Buffer; mime: string }> {
    const row = await this.db
      .selectFrom('attachments')
      .select(['mime', 'thumbnail'])
      .where('hash', '=', hash)
      .executeTakeFirst();
    if (!row || (thumb && !row.thumbnail)) throw new NotFound('file_not_found', 'No such file.');
    return { bytes: await fs.readFile(this.pathOf(hash, thumb)), mime: thumb ? 'image/webp' : row.mime };
  }

  /** Whether this user uploaded the file (an uploader may see their file before a case carries it). */
  async uploadedBy(hash: string, userId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('attachments')
      .select('hash')
      .where('hash', '=', hash)
      .where('created_by', '=', userId)
      .executeTakeFirst();
    return !!row;
  }

  /** The hashes among `hashes` that are not stored. */
  async missing(hashes: readonly string[]): Promise<string[]> {
    if (hashes.length === 0) return [];
    const rows = await this.db.selectFrom('attachments').select('hash').where('hash', 'in', hashes).execute();
    const have = new Set(rows.map((r) => r.hash));
    return hashes.filter((h) => !have.has(h));
  }
}

/**
 * Content-addressed: an existing file already has these bytes. Writes via a temp name so readers never
 * see half a file; true when this call created the file.
 */
async function writeOnce(file: string, bytes: Buffer): Promise<boolean> {
  try {
    await fs.access(file);
    return false;
  } catch {}
  await fs.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    await fs.writeFile(tmp, bytes);
    await fs.rename(tmp, file);
  } catch (err) {
    await removeFile(tmp);
    throw err;
  }
  return true;
}

/** Removes a file and, when that leaves it empty, its folder. */
async function removeFile(file: string): Promise<void> {
  await fs.rm(file, { force: true });
  await fs.rmdir(path.dirname(file)).catch(() => undefined);
}
