/**
 * Both languages everywhere: every string table (web and server) has the same keys in zh-CN and English
 * and no empty text; every error code the server throws has a zh-CN message; no .tsx/.ts file of the web
 * app hard-codes Chinese outside a string table (comments aside).
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../modules/cases/case-model.js';
import { NOTIFICATION_KINDS, NOTIFICATION_TEXTS } from '../../modules/notifications/notification-texts.js';
import { messageCodes } from './messages.js';

const root = path.resolve(import.meta.dirname, '../../..');
const WEB = path.join(root, 'web/src');

function files(dir: string, keep: (f: string) => boolean): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? files(p, keep) : keep(p) ? [p] : [];
  });
}
const rel = (p: string) => path.relative(root, p).split(path.sep).join('/');

/** Web string tables: the app's own and each feature's (`strings.ts`, `*Strings.ts`). */
const isStringTable = (p: string) =>
  /(?:\/app\/i18n|\/strings|Strings)\.ts$/.test(p.split(path.sep).join('/'));

/** Every key path of a nested table whose leaf is a string: `a.b.c` → the text. */
function leaves(table: unknown, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [k, v] of Object.entries(table as Record<string, unknown>)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object') for (const [kk, vv] of leaves(v, key)) out.set(kk, vv);
    else out.set(key, v);
  }
  return out;
}

function expectSameKeys(zh: unknown, en: unknown, where: string) {
  const a = leaves(zh);
  const b = leaves(en);
  const onlyZh = [...a.keys()].filter((k) => !b.has(k));
  const onlyEn = [...b.keys()].filter((k) => !a.has(k));
  expect(onlyZh, `${where}: keys missing in English`).toEqual([]);
  expect(onlyEn, `${where}: keys missing in zh-CN`).toEqual([]);
  const empty = [...a, ...b].filter(([, v]) => typeof v !== 'string' || v.trim() === '').map(([k]) => k);
  expect(empty, `${where}: empty texts`).toEqual([]);
}

describe('string tables in zh-CN and English', () => {
  it('web: every table has the same keys in both languages, none empty', async () => {
    // The web tables register themselves with i18next, which reads the browser's storage and language.
    const g = globalThis as Record<string, unknown>;
    g.localStorage ??= { getItem: () => null, setItem: () => undefined, removeItem: () => undefined };
    const tables = files(WEB, isStringTable);
    expect(tables.map(rel)).toEqual(
      expect.arrayContaining([
        'web/src/app/i18n.ts',
        'web/src/features/portal/strings.ts',
        'web/src/features/field/strings.ts',
        'web/src/features/hotline/strings.ts',
        'web/src/features/cases/strings.ts',
      ]),
    );
    let i18n: { getResourceBundle(lng: string, ns: string): unknown } | undefined;
    for (const t of tables) {
      const mod = (await import(pathToFileURL(t).href)) as { default?: typeof i18n };
      if (t.endsWith(`${path.sep}i18n.ts`)) i18n = mod.default;
    }
    if (!i18n) throw new Error('web/src/app/i18n.ts exports no i18n instance');
    const zh = i18n.getResourceBundle('zh-CN', 'translation');
    const en = i18n.getResourceBundle('en', 'translation');
    expect(Object.keys(zh as object)).toEqual(
      expect.arrayContaining(['app', 'notifications', 'portal', 'field', 'hotline', 'cases']),
    );
    expectSameKeys(zh, en, 'web');
    // The case timeline names every event type (each command, and the report that opens a case).
    const acts = leaves((zh as { cases: { act: object } }).cases.act);
    expect([...COMMANDS, 'report'].filter((c) => !acts.has(c))).toEqual([]);
    // The notification settings name every kind the server has.
    const kinds = leaves((zh as { notifications: { kinds: object } }).notifications.kinds);
    expect(NOTIFICATION_KINDS.filter((k) => !kinds.has(k))).toEqual([]);
  });

  it('server: notification texts in both languages, with the same placeholders', () => {
    expectSameKeys(NOTIFICATION_TEXTS['zh-CN'], NOTIFICATION_TEXTS.en, 'notification texts');
    for (const kind of NOTIFICATION_KINDS) {
      const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect(names(NOTIFICATION_TEXTS.en[kind]), kind).toEqual(names(NOTIFICATION_TEXTS['zh-CN'][kind]));
    }
  });

  it('server: every error code thrown has a zh-CN message (English comes with the error)', () => {
    const known = new Set(messageCodes());
    const thrown = new Set<string>();
    const THROW =
      /new (?:Invalid|NotFound|Forbidden|Conflict|Unauthorized|TooLarge|TooMany)\(\s*'([a-z0-9_]+)'/g;
    for (const f of files(path.join(root, 'src'), (p) => p.endsWith('.ts') && !p.endsWith('.test.ts'))) {
      for (const m of fs.readFileSync(f, 'utf8').matchAll(THROW)) thrown.add(m[1] as string);
    }
    // The case workflow's refusals become errors with their key (out_of_scope answers as scope_outside).
    const workflow = fs.readFileSync(path.join(root, 'src/modules/cases/workflow.ts'), 'utf8');
    const REFUSE = /\b(?:invalid\(|fail\('[a-z_]+',|e\('[a-z_]+',|messageKey:)\s*'([a-z0-9_]+)'/g;
    for (const m of workflow.matchAll(REFUSE)) if (m[1] !== 'out_of_scope') thrown.add(m[1] as string);
    expect(thrown.size).toBeGreaterThan(40);
    expect([...thrown].filter((c) => !known.has(c)).sort()).toEqual([]);
  });
});

/**
 * Places where Chinese in web code is data or a proper noun, not UI text: `file: reason`.
 * Keep it short; UI text belongs in a string table.
 */
const HAN_ALLOWED: Record<string, string> = {
  'web/src/features/org/ApiKeysPage.tsx': 'the placeholder names a real system, 津心办 (a proper noun)',
};

/** Comments removed (line and block), so that the Chinese term beside an English name stays allowed. */
function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

describe('no Chinese hard-coded in web code outside string tables', () => {
  it('flags Han characters in .ts/.tsx files of web/src that are not string tables', () => {
    const code = files(WEB, (p) => /\.tsx?$/.test(p) && !p.endsWith('.d.ts') && !isStringTable(p));
    expect(code.length).toBeGreaterThan(20);
    const hits: string[] = [];
    for (const f of code) {
      if (HAN_ALLOWED[rel(f)]) continue;
      withoutComments(fs.readFileSync(f, 'utf8'))
        .split('\n')
        .forEach((line, i) => {
          if (/\p{Script=Han}/u.test(line)) hits.push(`${rel(f)}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(hits).toEqual([]);
  });
});
