-- The big screen's trends from the roll-ups (issue #17 part 4): two counters that no indicator reads,
-- 'received' (metric 31: every case, stamped with its report day) and 'closed' (metric 32: a case that stands
-- closed, stamped with its close day), written with the others from now on (src/modules/cases/rollup.ts),
-- so the 30-day and 12-month trends sum a few rows per day instead of counting a year of case rows.
--
-- Their counters carry the community alone (no unit, person or kind), so there is one row per community, day
-- and metric. The cases already stored get theirs here, as the engine would have written them (known on the
-- stamp day).
with c as (
  select
    substr(area_code, 1, 12) as area_code,
    floor((extract(epoch from created_at) + 28800) / 86400)::int as rep_day,
    case when state = 'closed' and closed_at is not null
      then floor((extract(epoch from closed_at) + 28800) / 86400)::int end as closed_day
  from cases
), d as (
  select 31 as metric, rep_day as day, area_code from c
  union all
  select 32, closed_day, area_code from c where closed_day is not null
), daily as (
  insert into case_rollups (metric, known, stamp, due, area_code, unit_id, user_id, kind, n)
  select metric, day, day, -1, area_code, '', '', '', count(*)::int
  from d group by metric, day, area_code
  returning metric, known, area_code, n
), m as (
  select metric, area_code, n,
    (extract(year from date '1970-01-01' + known) * 12 + extract(month from date '1970-01-01' + known) - 1)::int as month
  from daily
)
insert into case_rollups_monthly (metric, known, stamp, due, street, unit_id, user_id, kind, n)
select metric, month, month, -1, substr(area_code, 1, 9), '', '', '', sum(n)::int
from m group by metric, month, substr(area_code, 1, 9);

-- The screen reads these two metrics for one area from a day on: a small index of their rows alone.
create index case_rollups_screen_idx on case_rollups (metric, stamp, area_code) include (n) where metric in (31, 32);
