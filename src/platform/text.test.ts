import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isWellFormed, normalizeDeep, normalizeText } from './text.js';

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/;

describe('normalizeText', () => {
  it('refuses a lone surrogate instead of turning it into U+FFFD', () => {
    expect(normalizeText('a\uD800b')).toBeNull();
    expect(normalizeText('\uDC00')).toBeNull();
    expect(normalizeText('😀')).toBe('😀');
  });

  it('removes NUL and other control characters but keeps \\n and \\t; \\r\\n and \\r become \\n', () => {
    expect(normalizeText('a\u0000b')).toBe('ab');
    expect(normalizeText('a\tb\nc')).toBe('a\tb\nc');
    expect(normalizeText('a\r\nb\rc')).toBe('a\nb\nc');
    expect(normalizeText('\u0007\u001B[31m\u007F\u0085x')).toBe('[31mx');
  });

  it('composes to NFC', () => {
    expect(normalizeText('e\u0301')).toBe('\u00E9');
    expect(normalizeText('\u212B')).toBe('\u00C5'); // Angstrom sign → Å
  });

  it('gives well-formed NFC text without controls, idempotently, for any well-formed string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), (a, b) => {
        for (const s of [a, b, `${a}\r\n\u0000${b}`]) {
          const n = normalizeText(s);
          expect(n).not.toBeNull();
          const t = n as string;
          expect(isWellFormed(t)).toBe(true);
          expect(t).toBe(t.normalize('NFC'));
          expect(CONTROL.test(t)).toBe(false);
          expect(t.includes('\r')).toBe(false);
          expect(normalizeText(t)).toBe(t);
        }
      }),
    );
  });

  it('refuses every string holding a lone surrogate', () => {
    const lone = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme-ascii' }),
        lone,
        fc.string({ unit: 'grapheme-ascii' }),
        (a, l, b) => {
          expect(normalizeText(a + l + b)).toBeNull();
        },
      ),
    );
  });
});

describe('normalizeDeep', () => {
  it('normalises every string of a JSON value, keys included, and leaves other values alone', () => {
    const r = normalizeDeep({ note: 'a\u0000', list: ['e\u0301', 1, null, true], nested: { 'k\r\n': 'x' } });
    expect(r).toEqual({
      ok: true,
      value: { note: 'a', list: ['\u00E9', 1, null, true], nested: { 'k\n': 'x' } },
    });
  });

  it('reports the path of the first ill-formed string', () => {
    expect(normalizeDeep({ items: [{ text: 'ok' }, { text: 'x\uDFFF' }] })).toEqual({
      ok: false,
      path: 'items.1.text',
    });
  });

  it('keeps a "__proto__" key as data', () => {
    const r = normalizeDeep(JSON.parse('{"__proto__": {"admin": true}}') as Record<string, unknown>);
    expect(r.ok).toBe(true);
    const v = (r as { value: Record<string, unknown> }).value;
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.keys(v)).toEqual(['__proto__']);
  });

  it('gives JSON values whose strings are all canonical', () => {
    fc.assert(
      fc.property(fc.jsonValue({ stringUnit: 'binary' }), (v) => {
        const r = normalizeDeep(v);
        expect(r.ok).toBe(true);
        // What is stored (its JSON) is a fixed point: normalising it again changes nothing.
        // (Compared as JSON, which has no -0: fc.jsonValue() may give -0, which JSON stores as 0.)
        const stored: unknown = JSON.parse(JSON.stringify((r as { value: unknown }).value));
        expect(normalizeDeep(stored)).toEqual({ ok: true, value: stored });
        for (const t of stringsIn(stored)) {
          expect(t.normalize('NFC')).toBe(t);
          const control = (n: number) => (n < 0x20 && n !== 9 && n !== 10) || (n >= 0x7f && n <= 0x9f);
          expect([...t].some((c) => control(c.codePointAt(0) ?? 0))).toBe(false);
        }
      }),
    );
  });
});

/** Every string in a JSON value, object keys included. */
function stringsIn(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.flatMap(stringsIn);
  if (v && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => [k, ...stringsIn(x)]);
  return [];
}
