-- Roll-ups (汇总计数, issue #17 part 5): per-day counters of what the evaluation indicators count, written in
-- the same transaction as each case event (src/modules/cases/rollup.ts explains the rows). A figure for any
-- period is a sum over these rows instead of a replay of every case's events.
create table case_rollups (
  metric smallint not null,          -- index into rollup.ts METRICS
  known integer not null,            -- China day number (days since 1970-01-01) the change became known
  stamp integer not null,            -- the day the indicator compares with the period
  due integer not null default -1,   -- a deadline day that must have passed by the period's end (-1: none)
  area_code text not null,           -- the case's community (12 digits)
  unit_id text not null default '',  -- the unit it was last dispatched to ('' none)
  user_id text not null default '',  -- the person it is assigned to (承办人, '' none)
  kind text not null,
  n integer not null,
  primary key (area_code, metric, known, stamp, due, unit_id, user_id, kind)
);
