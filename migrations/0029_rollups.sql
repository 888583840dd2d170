-- Roll-ups (issue #17): counters keep one day instead of three, and the big screen's trends get counters of
-- their own.
--
-- 1. One day instead of three (src/modules/cases/rollup.ts, `Counter`). Every condition a period puts on a
--    counter's `known` day, its `due` day and its stamp's upper bound is "before the period's end", so they
--    fold into `settled`, the last of them:
--      range metrics   settled = max(known, stamp, due)           counts when settled < end and stamp >= from
--      24 overdue      settled = max(known, stamp), stamp 0       counts when settled < end
--      25 open_rep     settled = max(known, stamp + 60), stamp 0  (monthly: max(known, first month − 1))
--    The same sums from fewer rows: a +1 and its later −1 now meet on one counter and cancel whenever the
--    change came before the deadline the counter waited for (most of a closed case's open, pending and
--    overdue rows). Both tables are rebuilt from their rows, folded, zero counters dropped.
--
-- 2. 'received' (metric 31: every case, stamped with its report day) and 'closed' (metric 32: a case that
--    stands closed, stamped with its close day), which no indicator reads: the 30-day and 12-month trends of
--    the big screen sum a few rows per day instead of counting a year of case rows. They carry the community
--    alone (no unit, person or kind): one row per community, day and metric. The cases already stored get
--    theirs here, as the engine would have written them (settled on the stamp day).
create table case_rollups_settled (
  metric smallint not null,          -- index into rollup.ts METRICS
  settled integer not null,          -- China day number from whose end on the counter counts
  stamp integer not null,            -- the day a range metric compares with the period's start (else 0)
  area_code text not null,           -- the case's community (12 digits)
  unit_id text not null default '',  -- the unit it was last dispatched to ('' none)
  user_id text not null default '',  -- the person it is assigned to (承办人, '' none)
  kind text not null,
  n integer not null,
  primary key (area_code, metric, settled, stamp, unit_id, user_id, kind)
);
insert into case_rollups_settled (metric, settled, stamp, area_code, unit_id, user_id, kind, n)
select metric,
  case when metric = 24 then greatest(known, stamp)
       when metric = 25 then greatest(known, stamp + 60)
       else greatest(known, stamp, due) end,
  case when metric in (24, 25) then 0 else stamp end,
  area_code, unit_id, user_id, kind, sum(n)::int
from case_rollups
group by 1, 2, 3, area_code, unit_id, user_id, kind
having sum(n) <> 0;
drop table case_rollups;
alter table case_rollups_settled rename to case_rollups;
alter index case_rollups_settled_pkey rename to case_rollups_pkey;

create table case_rollups_monthly_settled (
  metric smallint not null,
  settled integer not null,          -- month number (year × 12 + month − 1) from whose end on it counts
  stamp integer not null,            -- month number of a range metric's stamp (else 0)
  street text not null,              -- the case's street (9 digits)
  unit_id text not null default '',
  user_id text not null default '',
  kind text not null,
  n integer not null,
  primary key (street, metric, settled, stamp, unit_id, user_id, kind)
);
insert into case_rollups_monthly_settled (metric, settled, stamp, street, unit_id, user_id, kind, n)
select metric,
  case when metric = 24 then greatest(known, stamp)
       when metric = 25 then greatest(known, stamp - 1)
       else greatest(known, stamp, due) end,
  case when metric in (24, 25) then 0 else stamp end,
  street, unit_id, user_id, kind, sum(n)::int
from case_rollups_monthly
group by 1, 2, 3, street, unit_id, user_id, kind
having sum(n) <> 0;
drop table case_rollups_monthly;
alter table case_rollups_monthly_settled rename to case_rollups_monthly;
alter index case_rollups_monthly_settled_pkey rename to case_rollups_monthly_pkey;

-- Back-fill of the big screen's counters from the cases already stored.
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
  insert into case_rollups (metric, settled, stamp, area_code, unit_id, user_id, kind, n)
  select metric, day, day, area_code, '', '', '', count(*)::int
  from d group by metric, day, area_code
  returning metric, settled, area_code, n
), m as (
  select metric, area_code, n,
    (extract(year from date '1970-01-01' + settled) * 12 + extract(month from date '1970-01-01' + settled) - 1)::int as month
  from daily
)
insert into case_rollups_monthly (metric, settled, stamp, street, unit_id, user_id, kind, n)
select metric, month, month, substr(area_code, 1, 9), '', '', '', sum(n)::int
from m group by metric, month, substr(area_code, 1, 9);

-- The screen reads these two metrics for one area from a day on: a small index of their rows alone.
create index case_rollups_screen_idx on case_rollups (metric, stamp, area_code) include (n) where metric in (31, 32);

analyze case_rollups, case_rollups_monthly;
