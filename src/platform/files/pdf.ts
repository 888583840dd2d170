/**
 * Whether a PDF carries active content: a `/JavaScript` or `/JS` name anywhere — in the plain objects
 * or inside a Flate-compressed stream (object streams hide whole dictionaries there). Names may be
 * written with `#xx` escapes (`/J#61vaScript`); they are decoded before comparing. Pure: no I/O.
 */
import { constants, inflateSync } from 'node:zlib';

/** Names that make a viewer run script. */
const ACTIVE_NAMES = new Set(['JavaScript', 'JS']);
/** A PDF name: a solidus and regular characters (not whitespace or delimiters). */
const NAME = /\/([^\s()<>[\]{}/%]*)/;
/** Decompressed bytes examined at most, so a compression bomb costs little. */
const MAX_INFLATED = 64 * 1024 * 1024;

export function pdfHasActiveContent(bytes: Buffer): boolean {
  let budget = MAX_INFLATED;
  const scan = (buf: Buffer, depth: number): boolean => {
    const text = buf.toString('latin1');
    if (hasActiveName(text)) return true;
    if (depth > 2) return false;
    const streams = /(?<!end)stream\r?\n/g; // one per call: the recursion must not move the caller's position
    for (let m = streams.exec(text); m; m = streams.exec(text)) {
      const start = m.index + m[0].length;
      const end = text.indexOf('endstream', start);
      if (end < 0) break;
      streams.lastIndex = end;
      if (budget <= 0) return false;
      const inflated = inflate(buf.subarray(start, end), budget);
      if (!inflated) continue;
      budget -= inflated.length;
      if (scan(inflated, depth + 1)) return true;
    }
    return false;
  };
  return scan(bytes, 0);
}

function hasActiveName(text: string): boolean {
  const names = new RegExp(NAME.source, 'g');
  for (let m = names.exec(text); m; m = names.exec(text)) {
    const raw = m[1] ?? '';
    const name = raw.includes('#')
      ? raw.replace(/#([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)))
      : raw;
    if (ACTIVE_NAMES.has(name)) return true;
  }
  return false;
}

/** The inflated stream, or null when it is not zlib data (an image, another filter); a truncated stream gives what inflates. */
function inflate(data: Buffer, maxOutputLength: number): Buffer | null {
  try {
    return inflateSync(data, { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength });
  } catch {
    return null;
  }
}
