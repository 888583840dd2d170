/** A category's extra fields (Open311 service attributes): checking the answers given at intake (pure). */
import type { CategoryAttribute } from '../../platform/db/schema.js';

export type AttributeValues = Record<string, string | string[]>;

/** The answers, normalised, or the first problem in words a caller can act on. */
export function checkAttributes(
  defs: readonly CategoryAttribute[],
  values: AttributeValues,
): { ok: true; values: AttributeValues } | { ok: false; code: string; message: string } {
  const bad = (code: string, message: string) => ({ ok: false as const, code, message });
  const known = new Map(defs.map((d) => [d.code, d]));
  for (const key of Object.keys(values)) {
    if (!known.has(key)) return bad(key, `unknown attribute ${key}; see the service definition`);
  }
  const out: AttributeValues = {};
  for (const d of defs) {
    const raw = values[d.code];
    const empty = raw === undefined || raw === '' || (Array.isArray(raw) && raw.length === 0);
    if (empty) {
      if (d.required) return bad(d.code, `attribute ${d.code} (${d.description}) is required`);
      continue;
    }
    const list = Array.isArray(raw) ? raw : [raw];
    const keys = new Set(d.values?.map((v) => v.key));
    switch (d.datatype) {
      case 'number':
        if (list.length !== 1 || !Number.isFinite(Number(list[0])) || String(list[0]).trim() === '') {
          return bad(d.code, `attribute ${d.code} must be a number`);
        }
        break;
      case 'datetime':
        if (list.length !== 1 || Number.isNaN(Date.parse(String(list[0])))) {
          return bad(d.code, `attribute ${d.code} must be a date and time (ISO 8601)`);
        }
        break;
      case 'singlevaluelist':
        if (list.length !== 1 || !keys.has(String(list[0]))) {
          return bad(d.code, `attribute ${d.code} must be one of ${[...keys].join(', ')}`);
        }
        break;
      case 'multivaluelist':
        if (!list.every((v) => keys.has(v)))
          return bad(d.code, `attribute ${d.code} takes values from ${[...keys].join(', ')}`);
        break;
      default:
        if (list.length !== 1) return bad(d.code, `attribute ${d.code} takes one value`);
    }
    out[d.code] = d.datatype === 'multivaluelist' ? list : String(list[0]);
  }
  return { ok: true, values: out };
}
