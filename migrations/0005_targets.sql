-- 督查督办: source documents, their quantified targets, tasks owned by units, monthly progress,
-- urging with responses. A district's year is closed after the year-end account (年底交账).

create table target_documents (
  id uuid primary key default gen_random_uuid(),
  kind text not null check (kind in ('work_report', 'five_year_plan', 'people_projects', 'instruction', 'proposal')),
  title text not null,
  year integer not null check (year between 2000 and 2100),
  area_code text not null references areas (code),  -- the district (or street) that owns it
  text text not null,
  report_day integer not null default 28 check (report_day between 1 and 28), -- monthly progress due by this day
  closed_at timestamptz,                             -- 年底交账 done: no more progress
  created_by uuid references users (id),
  created_at timestamptz not null default now()
);

create table targets (
  id uuid primary key default gen_random_uuid(),
  document_id uuid not null references target_documents (id) on delete cascade,
  status text not null default 'proposed' check (status in ('proposed', 'accepted', 'dropped')),
  kind text not null check (kind in ('target', 'result')),
  section text not null default '',
  indicator text not null,
  measure text,
  value numeric not null,
  value_max numeric,
  unit text not null,
  period text,
  quote text not null,
  start_offset integer not null,
  end_offset integer not null,
  updated_at timestamptz not null default now()
);
create index targets_document_idx on targets (document_id, start_offset);

create table target_tasks (
  id uuid primary key default gen_random_uuid(),
  document_id uuid not null references target_documents (id) on delete cascade,
  title text not null,
  target_ids uuid[] not null default '{}',
  lead_unit_id uuid not null references units (id),        -- 牵头
  co_unit_ids uuid[] not null default '{}',                 -- 配合
  leader text not null default '',                          -- 责任领导
  starts_on date not null,
  deadline date not null,
  milestones jsonb not null default '[]',                   -- [{due: 'YYYY-MM-DD', progress: 0..100}]
  created_at timestamptz not null default now(),
  check (deadline >= starts_on)
);
create index target_tasks_document_idx on target_tasks (document_id);
create index target_tasks_lead_idx on target_tasks (lead_unit_id);

create table progress_reports (
  id uuid primary key default gen_random_uuid(),
  task_id uuid not null references target_tasks (id) on delete cascade,
  period text not null check (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'), -- the month reported on
  unit_id uuid not null references units (id),
  progress integer not null check (progress between 0 and 100),
  actual_value numeric,
  narrative text not null,
  evidence text[] not null default '{}',
  reported_by uuid references users (id),
  created_at timestamptz not null default now(),
  unique (task_id, period)
);

create table urgings (
  id uuid primary key default gen_random_uuid(),
  task_id uuid not null references target_tasks (id) on delete cascade,
  notice text not null,
  created_by uuid references users (id),
  created_at timestamptz not null default now(),
  response text,
  responded_by uuid references users (id),
  responded_at timestamptz
);

-- Reminders are sent once per unit, kind and reference (e.g. a task and month), by any process.
alter table notifications add column ref text;
create unique index notifications_ref_idx on notifications (unit_id, kind, ref) where ref is not null;
