/**
 * Table ownership: every table belongs to one module (or to the platform), and only that module's store
 * names it. Owners come from the migrations — the file `NNNN_<module>.sql` that creates a table owns it —
 * with the exceptions below. `scripts/table-ownership.test.ts` runs the check over src/modules.
 */
import fs from 'node:fs';
import path from 'node:path';

/** Migration files whose name is not a module folder: who they speak for. */
export const MIGRATION_OWNERS: Readonly<Record<string, string>> = {
  devices: 'channels', // 0007_devices.sql: signed device alarms are a channel
  portal: 'channels', // 0008_portal.sql: the citizen portal is a channel
  hotline: 'channels', // 0009_hotline.sql: the hotline console is a channel
  api_keys: 'org', // 0012_api_keys.sql: Open311 API keys are credentials, kept with users and tokens
  notification_prefs: 'notifications', // 0015_notification_prefs.sql: who wants to be told what
  history: 'platform', // 0028_history.sql: partitioned history and its archives, for three owners
};

/**
 * Tables created by one migration on another's behalf. 0004_cases.sql created the platform's `jobs`,
 * `idempotency_keys` and `attachments` (the file store) and the `notifications` inbox, which is now the
 * notifications module's.
 */
export const TABLE_OWNER_EXCEPTIONS: Readonly<Record<string, string>> = {
  jobs: 'platform',
  idempotency_keys: 'platform',
  attachments: 'platform',
  notifications: 'notifications',
  // 0028_history.sql re-creates the three history tables partitioned, and adds their archives.
  case_events: 'cases',
  case_events_archive: 'cases',
  audit_log: 'platform',
  audit_log_archive: 'platform',
  notifications_archive: 'notifications',
};

export interface SourceFile {
  /** Path relative to the project root, with forward slashes. */
  path: string;
  text: string;
}

/** table → owning module ('platform' for platform tables), from `create table` statements. */
export function tableOwners(migrations: readonly SourceFile[]): Map<string, string> {
  const owners = new Map<string, string>();
  for (const m of migrations) {
    const name = /^\d{4}_([a-z_]+)\.sql$/.exec(path.basename(m.path))?.[1];
    if (!name) continue;
    const owner = MIGRATION_OWNERS[name] ?? name;
    for (const hit of m.text.matchAll(/create\s+table\s+(?:if\s+not\s+exists\s+)?"?([a-z_][a-z0-9_]*)"?/gi)) {
      const table = (hit[1] as string).toLowerCase();
      owners.set(table, TABLE_OWNER_EXCEPTIONS[table] ?? owner);
    }
  }
  return owners;
}

const QUERY_CALL = /\b(selectFrom|insertInto|updateTable|deleteFrom)\s*\(|\bsql\s*(<[^>`]*>)?\s*`/g;
const TABLE_ARG =
  /\b(?:selectFrom|insertInto|updateTable|deleteFrom|innerJoin|leftJoin|rightJoin|fullJoin|replaceInto|mergeInto|using)\s*\(\s*(?:\[\s*)?['"`]([a-z_][a-z0-9_]*)/g;
const SQL_TEMPLATE = /\bsql\s*(?:<[^>`]*>)?\s*`([^`]*)`/g;

function lineOf(text: string, index: number): number {
  return text.slice(0, index).split('\n').length;
}

function moduleOf(file: string): string | null {
  return /^src\/modules\/([^/]+)\//.exec(file)?.[1] ?? null;
}

const isTest = (f: string) => /\.test\.ts$/.test(f);
const isStore = (f: string) => /\.store\.ts$/.test(f);

/**
 * The problems in these module sources: (a) a query written outside a store; (b) a store naming a table
 * another module (or the platform) owns.
 */
export function checkOwnership(files: readonly SourceFile[], owners: ReadonlyMap<string, string>): string[] {
  const problems: string[] = [];
  for (const f of files) {
    const mod = moduleOf(f.path);
    if (!mod || isTest(f.path) || !f.path.endsWith('.ts')) continue;
    if (!isStore(f.path)) {
      for (const hit of f.text.matchAll(QUERY_CALL)) {
        problems.push(
          `${f.path}:${lineOf(f.text, hit.index)}: query outside the store (${hit[0].trim()}…); move it to ${mod}.store.ts`,
        );
      }
      continue;
    }
    const named: { table: string; index: number }[] = [];
    for (const hit of f.text.matchAll(TABLE_ARG)) named.push({ table: hit[1] as string, index: hit.index });
    for (const tpl of f.text.matchAll(SQL_TEMPLATE)) {
      const body = tpl[1] as string;
      const words = /\b(?:from|join|into|update|table)\s+"?([a-z_][a-z0-9_]*)|\b([a-z_][a-z0-9_]*)"?\./g;
      for (const w of body.matchAll(words)) {
        const table = (w[1] ?? w[2]) as string;
        if (owners.has(table)) named.push({ table, index: tpl.index + w.index });
      }
    }
    for (const { table, index } of named) {
      const owner = owners.get(table);
      if (owner === undefined || owner === mod) continue;
      const how =
        owner === 'platform' ? 'use its src/platform function' : `call the ${owner} module's service`;
      problems.push(`${f.path}:${lineOf(f.text, index)}: names ${table}, owned by ${owner}; ${how}`);
    }
  }
  return problems;
}

/** Every .ts file under a folder (relative paths from `root`, forward slashes). */
export function readSources(root: string, dir: string): SourceFile[] {
  const out: SourceFile[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts') || e.name.endsWith('.sql'))
        out.push({
          path: path.relative(root, p).split(path.sep).join('/'),
          text: fs.readFileSync(p, 'utf8'),
        });
    }
  };
  walk(path.join(root, dir));
  return out.sort((a, b) => a.path.localeCompare(b.path));
}
