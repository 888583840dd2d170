/**
 * Uploaded files by content hash: the type is sniffed from the bytes (never the name), the size is
 * limited, images get a thumbnail. The same bytes uploaded twice are stored once. The bytes live in an
 * `ObjectStore` every server process shares: a directory by default (`WANGGE_FILES`, e.g. an NFS
 * mount), or anything with the same three operations (an S3-compatible bucket: PutObject with
 * `If-None-Match: *`, GetObject, DeleteObject). The rows (`attachments`) live in the database.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileTypeFromBuffer } from 'file-type';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { Invalid, NotFound, TooLarge } from '../errors.js';
import { loadSharp } from '../lazy-libraries.js';
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

/**
 * Where uploaded bytes live, by key (`ab/abcdef…` for a file, `thumbs/abcdef….webp` for its thumbnail).
 * Keys name content, so an object never changes once written.
 */
export interface ObjectStore {
  /** Writes the bytes under `key` unless it exists; true when this call created it. Never half an object. */
  putIfAbsent(key: string, bytes: Buffer): Promise<boolean>;
  /** The object's bytes; rejects when it is missing. */
  get(key: string): Promise<Buffer>;
  /** Removes the object if present (used only to take back a write whose row failed). */
  delete(key: string): Promise<void>;
}

/** The default object store: a directory (local, or a mount every process shares). */
export class DirectoryObjectStore implements ObjectStore {
  constructor(readonly dir: string) {}

  private fileOf(key: string): string {
    return path.join(this.dir, ...key.split('/'));
  }

  putIfAbsent(key: string, bytes: Buffer): Promise<boolean> {
    return writeOnce(this.fileOf(key), bytes);
  }

  get(key: string): Promise<Buffer> {
    return fs.readFile(this.fileOf(key));
  }

  delete(key: string): Promise<void> {
    return removeFile(this.fileOf(key));
  }
}

export class FileStore {
  private readonly objects: ObjectStore;

  /** `objects`: a directory path (the default store) or any `ObjectStore`. */
  constructor(
    private readonly db: Kysely<DB>,
    objects: string | ObjectStore,
    readonly maxBytes = DEFAULT_MAX_UPLOAD_BYTES,
  ) {
    this.objects = typeof objects === 'string' ? new DirectoryObjectStore(objects) : objects;
  }

  private keyOf(hash: string, thumb = false): string {
    return thumb ? `thumbs/${hash}.webp` : `${hash.slice(0, 2)}/${hash}`;
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
      const sharp = await loadSharp();
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
      if (thumb && (await this.objects.putIfAbsent(this.keyOf(hash, true), thumb)))
        written.push(this.keyOf(hash, true));
      if (await this.objects.putIfAbsent(this.keyOf(hash), bytes)) written.push(this.keyOf(hash));
      await this.db
        .insertInto('attachments')
        .values({ ...row, original_name: originalName.slice(0, 200), created_by: userId })
        .onConflict((oc) => oc.column('hash').doNothing())
        .execute();
    } catch (err) {
      await Promise.all(written.map((key) => this.objects.delete(key)));
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
    return { bytes: await this.objects.get(this.keyOf(hash, thumb)), mime: thumb ? 'image/webp' : row.mime };
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
