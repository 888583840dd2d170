/**
 * Text as it enters the system, made canonical once so that what is stored, hashed (the case event
 * chain) and shown is the same string: well-formed Unicode (a lone UTF-16 surrogate is refused, never
 * turned into U+FFFD), NFC, line breaks as \n, and no control characters other than \n and \t.
 * Pure: no I/O.
 */

/** C0 controls except \t (U+0009) and \n (U+000A), DEL, and the C1 controls. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROLS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;
/** In `u` mode a surrogate pair is one code point, so this matches only a lone surrogate. */
const LONE_SURROGATE = /\p{Cs}/u;

/** Whether the string is well-formed UTF-16 (no lone surrogate). */
export function isWellFormed(s: string): boolean {
  return !LONE_SURROGATE.test(s);
}

/** The canonical form of one string, or null when it is not well-formed Unicode (a lone surrogate). */
export function normalizeText(s: string): string | null {
  if (!isWellFormed(s)) return null;
  // A carriage return is a line break: \r\n and a lone \r both become \n.
  return s.replace(/\r\n?/g, '\n').replace(CONTROLS, '').normalize('NFC');
}

export type Normalized<T> = { ok: true; value: T } | { ok: false; path: string };

/**
 * Every string in a JSON-like value (object keys included) in canonical form; the first string that is
 * not well-formed Unicode is reported by its path (`note`, `items.2.text`). Other values pass unchanged.
 */
export function normalizeDeep<T>(value: T, path = ''): Normalized<T> {
  const bad = (at: string): Normalized<T> => ({ ok: false, path: at });
  if (typeof value === 'string') {
    const s = normalizeText(value);
    return s === null ? bad(path) : { ok: true, value: s as T };
  }
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (let i = 0; i < value.length; i++) {
      const r = normalizeDeep(value[i] as unknown, join(path, String(i)));
      if (!r.ok) return bad(r.path);
      out.push(r.value);
    }
    return { ok: true, value: out as T };
  }
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const key = normalizeText(k);
      if (key === null) return bad(join(path, k));
      const r = normalizeDeep(v, join(path, key));
      if (!r.ok) return bad(r.path);
      // defineProperty: a key such as "__proto__" stays plain data, never a prototype.
      Object.defineProperty(out, key, {
        value: r.value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return { ok: true, value: out as T };
  }
  return { ok: true, value };
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v);
  // A query string parser's record may sit on a prototype-less prototype (fast-querystring does).
  return proto === Object.prototype || proto === null || Object.getPrototypeOf(proto) === null;
}
