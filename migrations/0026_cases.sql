-- Monthly roll-ups (issue #17 part 5, scale): the per-day counters of case_rollups (0020) folded to month ×
-- street × unit × person × kind, written in the same transaction with the same deltas (rollups.store.ts), so
-- a month-aligned period (a month, a quarter, a year) of a district or street sums a few rows per month
-- instead of every day's. Months are numbered year × 12 + month − 1 (China time); rollup.ts `monthlyOf`
-- says how a daily counter maps, including 积案's "reported more than 60 days before the end", kept exact by
-- storing the first month whose start is late enough.
create table case_rollups_monthly (
  metric smallint not null,          -- index into rollup.ts METRICS
  known integer not null,            -- month number the change became known
  stamp integer not null,            -- month number of the stamp day (积案: first month it counts at)
  due integer not null default -1,   -- month number of the deadline day (-1: none)
  street text not null,              -- the case's street (9 digits)
  unit_id text not null default '',
  user_id text not null default '',
  kind text not null,
  n integer not null,
  primary key (street, metric, known, stamp, due, unit_id, user_id, kind)
);

-- The counters already there, folded the same way (0020's rows map one to one onto a monthly key).
insert into case_rollups_monthly (metric, known, stamp, due, street, unit_id, user_id, kind, n)
select metric, known_m, stamp_m, due_m, street, unit_id, user_id, kind, sum(n)
from (
  select
    r.metric,
    (extract(year from date '1970-01-01' + r.known) * 12 + extract(month from date '1970-01-01' + r.known) - 1)::int as known_m,
    case
      when r.metric = 25 then
        (extract(year from date '1970-01-01' + r.stamp + 61) * 12 + extract(month from date '1970-01-01' + r.stamp + 61) - 1)::int
        + case when extract(day from date '1970-01-01' + r.stamp + 61) = 1 then 0 else 1 end
      else (extract(year from date '1970-01-01' + r.stamp) * 12 + extract(month from date '1970-01-01' + r.stamp) - 1)::int
    end as stamp_m,
    case when r.due < 0 then -1
      else (extract(year from date '1970-01-01' + r.due) * 12 + extract(month from date '1970-01-01' + r.due) - 1)::int
    end as due_m,
    substr(r.area_code, 1, 9) as street,
    r.unit_id, r.user_id, r.kind, r.n
  from case_rollups r
) x
group by metric, known_m, stamp_m, due_m, street, unit_id, user_id, kind
having sum(n) <> 0;

-- Statistics for the planner (a district-year sum is one scan and a hash aggregate, not an on-disk sort).
analyze case_rollups_monthly;
