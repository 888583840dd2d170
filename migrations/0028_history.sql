-- Partitioned history (docs/SCALING.md §5): case_events, audit_log and notifications only grow.
--
-- On a PostgreSQL server with pg_partman available, the three tables become range-partitioned by month
-- of their time column (`at`, `at`, `created_at`; months in Asia/Shanghai), managed by pg_partman 4.x
-- (schema `partman`): partitions made 4 months ahead, a default partition for rows outside them. The
-- existing rows are copied in this transaction (rename old → create partitioned → copy → drop old).
-- On the embedded store (PGlite ships no pg_partman), or a server without the extension, they stay plain
-- tables. The queries are the same on both.
--
-- A partitioned table's unique keys must include the partition key, so:
--   primary keys become (id, at) / (id, created_at); ids still come from the same sequences;
--   unique (case_id, seq), unique (prev_hash) of the audit chain and the sent-once (unit_id, kind, ref)
--   of notifications hold per partition (pg_partman's template tables carry them to each new month);
--   across months, the case's version check, the audit chain's advisory lock and the notification
--   store's check for an earlier ref keep them, and `wangge verify` would see a fork.
--
-- Retention (src/platform/db/history.ts, the `history_maintenance` job) detaches partitions older than the
-- `history` setting keeps and moves their rows to the `*_archive` tables below, which exist on both stores
-- (notifications may instead be dumped to a file, recorded in `history_dumps`).
-- `case_history` is every event of a case, hot or archived: reads that need a whole chain use it.

create table case_events_archive (like case_events);
alter table case_events_archive add primary key (id);
create index case_events_archive_case_idx on case_events_archive (case_id, seq);
create index case_events_archive_at_idx on case_events_archive (at);

create table audit_log_archive (like audit_log);
alter table audit_log_archive add primary key (id);

create table notifications_archive (like notifications);
alter table notifications_archive add primary key (id);

-- Notifications of detached months may be dumped to a file instead (the `history` setting): what was
-- written where, with the file's sha256. Chained history (case events, audit) is always archived.
create table history_dumps (
  id bigserial primary key,
  table_name text not null,
  partition_name text not null,
  rows integer not null,
  file text not null,
  sha256 text not null,
  dumped_at timestamptz not null default now()
);

-- Archived audit rows stay append-only too (moving rows in is an insert).
create trigger audit_log_archive_no_change before update or delete on audit_log_archive
  for each row execute function audit_log_append_only();
create trigger audit_log_archive_no_truncate before truncate on audit_log_archive
  for each statement execute function audit_log_append_only();

do $$
declare
  sch text := current_schema();
  start text;
begin
  if not exists (select 1 from pg_available_extensions where name = 'pg_partman') then
    raise notice 'wangge: pg_partman is not available here; case_events, audit_log and notifications stay plain tables';
    return;
  end if;
  -- pg_partman is not a trusted extension: a role that may not create it (and finds it not created by an
  -- administrator) keeps plain tables rather than failing the migration.
  if not exists (select 1 from pg_extension where extname = 'pg_partman')
     and not (select rolsuper from pg_roles where rolname = current_user) then
    raise notice 'wangge: pg_partman is not installed and only a superuser may install it (create extension pg_partman schema partman); case_events, audit_log and notifications stay plain tables';
    return;
  end if;
  -- Month boundaries are Beijing months, in this migration and in every maintenance run.
  perform set_config('TimeZone', 'Asia/Shanghai', true);
  create schema if not exists partman;
  create extension if not exists pg_partman schema partman;

  -- ---------- case_events, by month of at ----------
  alter sequence case_events_id_seq owned by none;
  alter table case_events rename to case_events_plain;
  create table case_events (like case_events_plain including defaults) partition by range (at);
  execute format('create table partman.%I (like case_events_plain)', 'template_' || sch || '_case_events');
  execute format('create unique index on partman.%I (case_id, seq)', 'template_' || sch || '_case_events');
  select coalesce(date_trunc('month', min(at)), date_trunc('month', now()))::text into start from case_events_plain;
  perform partman.create_parent(sch || '.case_events', 'at', 'native', 'monthly',
    p_premake := 4, p_start_partition := start, p_jobmon := false,
    p_template_table := 'partman.' || quote_ident('template_' || sch || '_case_events'));
  insert into case_events select * from case_events_plain;
  drop table case_events_plain;
  alter sequence case_events_id_seq owned by case_events.id;
  alter table case_events add primary key (id, at);
  alter table case_events add foreign key (case_id) references cases (id);
  create index case_events_at_idx on case_events (at, id);

  -- ---------- audit_log, by month of at ----------
  -- Its hash function takes the table's row type: rebuilt for the new table below.
  drop function audit_log_hash(audit_log);
  alter sequence audit_log_id_seq owned by none;
  alter table audit_log rename to audit_log_plain;
  create table audit_log (like audit_log_plain including defaults) partition by range (at);
  execute format('create table partman.%I (like audit_log_plain)', 'template_' || sch || '_audit_log');
  execute format('create unique index on partman.%I (prev_hash)', 'template_' || sch || '_audit_log');
  select coalesce(date_trunc('month', min(at)), date_trunc('month', now()))::text into start from audit_log_plain;
  perform partman.create_parent(sch || '.audit_log', 'at', 'native', 'monthly',
    p_premake := 4, p_start_partition := start, p_jobmon := false,
    p_template_table := 'partman.' || quote_ident('template_' || sch || '_audit_log'));
  -- No trigger on the new table yet: the rows keep their ids and hashes.
  insert into audit_log select * from audit_log_plain;
  drop table audit_log_plain;
  alter sequence audit_log_id_seq owned by audit_log.id;
  alter table audit_log add primary key (id, at);
  create index audit_log_entity_idx on audit_log (entity, entity_id, at desc);
  create index audit_log_at_idx on audit_log (at desc);
  create function audit_log_hash(r audit_log) returns text language sql immutable as $f$
    select encode(sha256(convert_to(audit_log_canonical(r.prev_hash, r.id, r.at, r.actor_id, r.actor_name,
      r.action, r.entity, r.entity_id, r.before, r.after), 'UTF8')), 'hex')
  $f$;
  create trigger audit_log_chain before insert on audit_log
    for each row execute function audit_log_chain();
  create trigger audit_log_no_change before update or delete on audit_log
    for each row execute function audit_log_append_only();
  create trigger audit_log_no_truncate before truncate on audit_log
    for each statement execute function audit_log_append_only();

  -- ---------- notifications, by month of created_at ----------
  alter sequence notifications_id_seq owned by none;
  alter table notifications rename to notifications_plain;
  create table notifications (like notifications_plain including defaults) partition by range (created_at);
  execute format('create table partman.%I (like notifications_plain)', 'template_' || sch || '_notifications');
  execute format('create unique index on partman.%I (unit_id, kind, ref) where ref is not null',
    'template_' || sch || '_notifications');
  select coalesce(date_trunc('month', min(created_at)), date_trunc('month', now()))::text into start
    from notifications_plain;
  perform partman.create_parent(sch || '.notifications', 'created_at', 'native', 'monthly',
    p_premake := 4, p_start_partition := start, p_jobmon := false,
    p_template_table := 'partman.' || quote_ident('template_' || sch || '_notifications'));
  insert into notifications select * from notifications_plain;
  drop table notifications_plain;
  alter sequence notifications_id_seq owned by notifications.id;
  alter table notifications add primary key (id, created_at);
  alter table notifications add foreign key (unit_id) references units (id);
  alter table notifications add foreign key (case_id) references cases (id);
  alter table notifications add foreign key (user_id) references users (id);
  create index notifications_unit_idx on notifications (unit_id, created_at desc);

  -- Keep making months ahead of the clock whether or not rows arrive; rows in the default partition
  -- (a clock far off, a restore of old history) are moved to their month by the maintenance job.
  update partman.part_config set infinite_time_partitions = true, ignore_default_data = true
    where parent_table in (sch || '.case_events', sch || '.audit_log', sch || '.notifications');
end $$;

-- The audit chain's next link: the newest row, live or (after a retention that archived every live row) archived.
create or replace function audit_log_chain() returns trigger language plpgsql as $$
declare
  head text;
begin
  if audit_restoring() then
    return new;
  end if;
  perform pg_advisory_xact_lock(4242010);
  new.id := nextval(pg_get_serial_sequence('audit_log', 'id'));
  select hash into head from audit_log order by id desc limit 1;
  if head is null then
    select hash into head from audit_log_archive order by id desc limit 1;
  end if;
  new.prev_hash := coalesce(head, repeat('0', 64));
  new.hash := audit_log_hash(new);
  return new;
end $$;

-- Every event of every case, hot or archived (same columns): timelines, chain checks and facts read it.
create view case_history as
  select * from case_events
  union all
  select * from case_events_archive;
