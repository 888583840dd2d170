/** Area and grid codes (GB/T 2260 + GB/T 10114 + GB/T 30428.1): district 6, street 9, community 12, grid 15 digits. */
import type { AreaLevel } from '../../platform/db/schema.js';

export type { AreaLevel };

const LENGTH_LEVEL: Record<number, AreaLevel> = { 6: 'district', 9: 'street', 12: 'community', 15: 'grid' };

export function isValidAreaCode(code: string): boolean {
  return /^\d+$/.test(code) && LENGTH_LEVEL[code.length] !== undefined && !/^0+$/.test(code.slice(-3));
}

/** The level a code denotes, or null for a malformed code. */
export function levelOfCode(code: string): AreaLevel | null {
  return isValidAreaCode(code) ? (LENGTH_LEVEL[code.length] ?? null) : null;
}

/** The code of the containing area (a district has none). */
export function parentCode(code: string): string | null {
  return code.length > 6 ? code.slice(0, code.length - 3) : null;
}

/** A unit grid code: the community code plus a 3-digit sequence 001–999. */
export function gridCode(communityCode: string, seq: number): string {
  if (levelOfCode(communityCode) !== 'community')
    throw new RangeError(`${communityCode} is not a community code`);
  if (!Number.isInteger(seq) || seq < 1 || seq > 999)
    throw new RangeError(`grid sequence ${seq} is outside 1–999`);
  return communityCode + String(seq).padStart(3, '0');
}
