/**
 * Every module owns its tables: only its store reads or writes them (`*.store.ts`), and a store names no
 * table of another module or of the platform. Owners come from the migrations (see table-ownership.ts).
 */
import { describe, expect, it } from 'vitest';
import { ROOT } from './sql-snapshot.js';
import { checkOwnership, readSources, tableOwners } from './table-ownership.js';

describe('table ownership', () => {
  const owners = tableOwners(readSources(ROOT, 'migrations'));

  it('knows the owner of every table, with the documented exceptions', () => {
    expect(owners.get('areas')).toBe('places');
    expect(owners.get('users')).toBe('org');
    expect(owners.get('targets')).toBe('targets');
    expect(owners.get('settings')).toBe('platform');
    expect(owners.get('audit_log')).toBe('platform');
    expect(owners.get('jobs')).toBe('platform');
    expect(owners.get('idempotency_keys')).toBe('platform');
    expect(owners.get('attachments')).toBe('platform');
    expect(owners.get('notifications')).toBe('notifications');
    expect(owners.get('devices')).toBe('channels');
    expect(owners.get('kb_entries')).toBe('channels');
  });

  it('finds no query outside a store and no store naming another owner’s table', () => {
    const problems = checkOwnership(readSources(ROOT, 'src/modules'), owners);
    expect(problems, `\n${problems.join('\n')}`).toEqual([]);
  });

  it('catches both kinds of breach (the checker itself)', () => {
    const fakeOwners = tableOwners([
      { path: 'migrations/0001_platform.sql', text: 'create table settings (key text);' },
      { path: 'migrations/0002_places.sql', text: 'create table areas (code text);' },
      { path: 'migrations/0003_org.sql', text: 'create table units (id uuid);\ncreate table jobs (id int);' },
    ]);
    expect([...fakeOwners]).toEqual([
      ['settings', 'platform'],
      ['areas', 'places'],
      ['units', 'org'],
      ['jobs', 'platform'],
    ]);
    const problems = checkOwnership(
      [
        { path: 'src/modules/org/org.service.ts', text: "const x = 1;\ndb.selectFrom('units');" },
        { path: 'src/modules/org/org.routes.ts', text: 'const q = sql`select 1`;' },
        { path: 'src/modules/org/org.service.test.ts', text: "db.deleteFrom('units');" },
        {
          path: 'src/modules/org/org.store.ts',
          text: "db.selectFrom('units as u').innerJoin('areas', 'areas.code', 'u.area_code');\nsql`exists (select 1 from settings)`;",
        },
        {
          path: 'src/modules/places/places.store.ts',
          text: "db.selectFrom('areas').where(sql`areas.code like $1`);",
        },
      ],
      fakeOwners,
    );
    expect(problems).toEqual([
      'src/modules/org/org.service.ts:2: query outside the store (selectFrom(…); move it to org.store.ts',
      'src/modules/org/org.routes.ts:1: query outside the store (sql`…); move it to org.store.ts',
      "src/modules/org/org.store.ts:1: names areas, owned by places; call the places module's service",
      'src/modules/org/org.store.ts:2: names settings, owned by platform; use its src/platform function',
    ]);
  });
});
