/**
 * Loads a store to a realistic size for the benches, in bulk (one INSERT … SELECT per table): n requests
 * over the last 60 days, spread over the public services and the given cells, 90% closed (a city's older
 * requests are mostly done), each with its report event. Not hash-valid chains — the benches measure the
 * path; `cases verify` is not run on such a store. Numbers `B000000000001…` (`prefix` varies the letter).
 */
import { type Kysely, sql } from 'kysely';
import type { DB } from '../src/platform/db/schema.js';
import type { CellCentre } from '../src/testing/grid-cells.js';

export async function bulkLoad(
  db: Kysely<DB>,
  n: number,
  points: readonly CellCentre[],
  opts: { prefix?: string; batch?: number } = {},
): Promise<number> {
  if (n <= 0) return 0;
  const prefix = opts.prefix ?? 'B';
  const batch = opts.batch ?? 100_000;
  const cells = JSON.stringify(points.map((p) => [p.code, p.lon, p.lat]));
  const t0 = performance.now();
  // In slices, so that neither store holds a million-row statement's state at once.
  for (let from = 1; from <= n; from += batch) {
    const to = Math.min(n, from + batch - 1);
    await sql`
      with cell as (
        select (c ->> 0) as code, (c ->> 1)::float8 as lon, (c ->> 2)::float8 as lat, row_number() over () - 1 as i
        from jsonb_array_elements(${cells}::jsonb) c
      ), svc as (
        select code, kind, row_number() over (order by code) - 1 as i
        from categories where kind in ('event', 'component', 'request') and active
      ), ns as (select count(*) as n from cell), nsv as (select count(*) as n from svc),
      made as (
        insert into cases (id, number, tracking_code, kind, category_code, state, source, title, description,
                           area_code, lon, lat, created_at, updated_at, last_hash)
        select gen_random_uuid(), ${prefix} || lpad(g::text, 12, '0'), ${prefix} || lpad(g::text, 9, '0'),
               svc.kind, svc.code, case when g % 10 = 0 then 'reported' else 'closed' end, 'open311',
               '基准 ' || g, '基准数据 ' || g, cell.code, cell.lon, cell.lat,
               now() - ((g % 86400) * interval '60 seconds'), now() - ((g % 86400) * interval '60 seconds'),
               repeat('0', 64)
        from generate_series(${from}::int, ${to}::int) g
        cross join ns cross join nsv
        join cell on cell.i = g % ns.n
        join svc on svc.i = g % nsv.n
        returning id, created_at
      )
      insert into case_events (case_id, seq, type, to_state, at, actor_name, actor_role, prev_hash, hash)
      select id, 1, 'report', 'reported', created_at, 'bench', 'operator', repeat('0', 64), repeat('0', 64)
      from made`.execute(db);
  }
  await sql`analyze`.execute(db);
  return performance.now() - t0;
}
