/**
 * SQL snapshot of every store: `npm run sql:snapshot` writes `src/modules/<m>/<m>.store.sql`.
 *
 * For each `src/modules/<m>/*.store.ts` it builds a Kysely<DB> with the PostgreSQL adapter and query
 * compiler over Kysely's DummyDriver (compiles, runs nothing, returns no rows), binds the store class to
 * it, calls every method with its `SQL_EXAMPLES` arguments and records each compiled query. A method may
 * throw after its first query (no rows came back); that is expected and ignored. The output lists the
 * methods alphabetically, each under a `-- Store.method` header, so a reviewer sees query changes in a diff.
 * `scripts/sql-snapshot.test.ts` regenerates in memory and fails when a checked-in file drifts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler } from 'kysely';
import type { DB } from '../src/platform/db/schema.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MODULES = path.join(ROOT, 'src/modules');

/** Every store file under src/modules, found by name (`<anything>.store.ts`), sorted. */
export function findStores(root = ROOT): string[] {
  const modules = path.join(root, 'src/modules');
  return fs
    .readdirSync(modules, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) =>
      fs
        .readdirSync(path.join(modules, d.name))
        .filter((f) => f.endsWith('.store.ts'))
        .map((f) => path.join(modules, d.name, f)),
    )
    .sort();
}

/** The snapshot file beside a store: `x.store.ts` → `x.store.sql`. */
export function snapshotPath(storeFile: string): string {
  return storeFile.replace(/\.ts$/, '.sql');
}

const BREAK_BEFORE = [
  'select',
  'from',
  'inner join',
  'left join',
  'right join',
  'full join',
  'cross join',
  'where',
  'group by',
  'having',
  'order by',
  'limit',
  'offset',
  'returning',
  'on conflict',
  'values',
  'set',
  'insert into',
  'update',
  'delete from',
  'union',
];

/** Puts each top-level clause (outside parentheses and quotes) on its own line. */
export function formatSql(sqlText: string): string {
  const out: string[] = [];
  let line = '';
  let depth = 0;
  let quote: string | null = null;
  for (let i = 0; i < sqlText.length; i++) {
    const ch = sqlText[i] as string;
    if (quote) {
      line += ch;
      if (ch === quote) quote = null;
      continue;
    }
    if (ch === '"' || ch === "'") {
      quote = ch;
      line += ch;
      continue;
    }
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (depth === 0 && ch === ' ') {
      const rest = sqlText.slice(i + 1).toLowerCase();
      const kw = BREAK_BEFORE.find((k) => rest.startsWith(`${k} `) || rest === k);
      // `delete from`, `do update set` stay on one line.
      const glued = /^delete$|\bdo$|\bdo update$/i.test(line.trim());
      if (kw && line.trim() !== '' && !glued) {
        out.push(line.trimEnd());
        line = '';
        continue;
      }
    }
    line += ch;
  }
  if (line.trim()) out.push(line.trimEnd());
  return out.map((l, i) => (i === 0 ? l : `  ${l}`)).join('\n');
}

function describeParam(v: unknown): string {
  if (v instanceof Date) return 'Date';
  return JSON.stringify(v) ?? String(v);
}

type StoreClass = new (db: Kysely<DB>) => Record<string, unknown>;

/** The SQL snapshot text of one store file. */
export async function snapshotOf(storeFile: string): Promise<string> {
  const mod = (await import(pathToFileURL(storeFile).href)) as Record<string, unknown>;
  const rel = path.relative(ROOT, storeFile);
  const examples = mod.SQL_EXAMPLES as Record<string, unknown[]> | undefined;
  if (!examples) throw new Error(`${rel} exports no SQL_EXAMPLES`);
  const classes = Object.entries(mod).filter(
    ([name, v]) => typeof v === 'function' && /Store$/.test(name) && /^class\s/.test(String(v)),
  );
  if (classes.length !== 1)
    throw new Error(`${rel} must export exactly one store class (…Store), found ${classes.length}`);
  const [className, Store] = classes[0] as [string, StoreClass];

  const captured: { sql: string; parameters: readonly unknown[] }[] = [];
  const db = new Kysely<DB>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (k) => new PostgresIntrospector(k),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
    log: (event) => {
      if (event.level === 'query') captured.push(event.query);
    },
  });
  const store = new Store(db);
  const methods = Object.getOwnPropertyNames(Object.getPrototypeOf(store))
    .filter((m) => m !== 'constructor' && typeof store[m] === 'function')
    .sort();
  const missing = methods.filter((m) => !(m in examples));
  if (missing.length) throw new Error(`${rel}: SQL_EXAMPLES lacks ${missing.join(', ')}`);

  const parts = [
    `-- Generated by \`npm run sql:snapshot\` from ${rel.split(path.sep).join('/')}; do not edit.`,
    `-- Every query each ${className} method issues for its SQL_EXAMPLES arguments ($n are parameters).`,
  ];
  for (const m of methods) {
    captured.length = 0;
    try {
      await (store[m] as (...a: unknown[]) => Promise<unknown>)(...(examples[m] ?? []));
    } catch (err) {
      // No rows come back from the dummy driver: throwing after the first query is expected.
      if (captured.length === 0) throw new Error(`${rel}: ${className}.${m} threw before any query: ${err}`);
    }
    parts.push('', `-- ${className}.${m}`);
    if (captured.length === 0) parts.push('-- (no query)');
    for (const q of captured) {
      parts.push(`${formatSql(q.sql)};`);
      if (q.parameters.length) parts.push(`-- params: ${q.parameters.map(describeParam).join(', ')}`);
    }
  }
  await db.destroy();
  return `${parts.join('\n')}\n`;
}

/** Every store's snapshot: file path → expected content. */
export async function generateSnapshots(root = ROOT): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const store of findStores(root)) out.set(snapshotPath(store), await snapshotOf(store));
  return out;
}

async function main(): Promise<void> {
  const snapshots = await generateSnapshots();
  for (const [file, text] of snapshots) {
    const before = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : null;
    if (before !== text) fs.writeFileSync(file, text);
    console.log(`${before === text ? 'unchanged' : 'wrote    '} ${path.relative(ROOT, file)}`);
  }
  // A snapshot whose store is gone is stale.
  for (const dir of fs.readdirSync(MODULES)) {
    const d = path.join(MODULES, dir);
    if (!fs.statSync(d).isDirectory()) continue;
    for (const f of fs.readdirSync(d).filter((x) => x.endsWith('.store.sql'))) {
      const file = path.join(d, f);
      if (!snapshots.has(file)) {
        fs.rmSync(file);
        console.log(`removed   ${path.relative(ROOT, file)}`);
      }
    }
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
