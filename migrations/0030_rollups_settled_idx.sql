-- Day-range figures read the daily counters settled since the period's start (issue #17): a range metric's
-- settled day is never before its stamp, and 超期 / 积案 before the end's month come from the monthly
-- counters (RollupsStore.counts, `stockSince`). Without an index on the day, such a read scanned the
-- area's whole history (the primary key leads with the area): the leader's dashboard, "this month through
-- yesterday", took 1.8 s at a district-year on the embedded store.
create index case_rollups_settled_idx on case_rollups (settled);
