-- Cases: the category catalogue (立结案标准), cases as a projection of hash-chained events,
-- idempotency keys, attachments by content hash, saved list views, notifications and the jobs table.

create table categories (
  code text primary key check (code ~ '^[a-z]+\.[0-9]{4}$'), -- kind.major(2)minor(2), e.g. event.0102
  kind text not null check (kind in ('component', 'event', 'request', 'petition', 'proposal', 'dispute', 'hazard', 'incident')),
  major_code text not null check (major_code ~ '^[0-9]{2}$'),
  minor_code text not null check (minor_code ~ '^[0-9]{2}$'),
  major_name text not null,
  major_name_en text not null default '',
  name text not null,
  name_en text not null default '',
  filing_criterion text not null default '',   -- 立案标准
  closing_criterion text not null default '',  -- 结案标准
  file_value numeric not null check (file_value > 0),
  file_unit text not null check (file_unit in ('work_hour', 'work_day', 'natural_hour', 'natural_day')),
  sign_value numeric not null check (sign_value > 0),
  sign_unit text not null check (sign_unit in ('work_hour', 'work_day', 'natural_hour', 'natural_day')),
  handle_value numeric not null check (handle_value > 0),
  handle_unit text not null check (handle_unit in ('work_hour', 'work_day', 'natural_hour', 'natural_day')),
  urgency text not null default 'normal' check (urgency in ('normal', 'urgent', 'critical')),
  route text not null default 'rules' check (route in ('rules', 'street')), -- street = 直派街乡
  check_required boolean not null default true,
  keywords text not null default '',
  active boolean not null default true,
  updated_at timestamptz not null default now(),
  unique (kind, major_code, minor_code)
);

create sequence case_number_seq;

create table cases (
  id uuid primary key default gen_random_uuid(),
  number text not null unique,                 -- {district}{yyyymmdd}{seq}
  tracking_code text not null unique,          -- public, reveals nothing else
  kind text not null,
  category_code text not null references categories (code),
  state text not null,
  version integer not null default 1,          -- optimistic concurrency
  source text not null check (source in ('inspector', 'hotline', 'staff', 'portal', 'open311', 'device')),
  title text not null,
  description text not null default '',
  address text not null default '',
  lon double precision,
  lat double precision,
  area_code text not null references areas (code), -- the grid
  suggested_unit_id uuid references units (id),
  assigned_unit_id uuid references units (id),
  dispatch_mode text,
  due_at timestamptz,
  step_started_at timestamptz,
  step_unit text,
  suspended_at timestamptz,
  checked boolean not null default false,
  rework_count integer not null default 0,
  reopen_count integer not null default 0,
  extended_days numeric not null default 0,
  extension_requested jsonb,
  rating text,
  whistle jsonb,
  merged_into uuid references cases (id),
  reporter jsonb,                              -- name/phone; a petitioner's identity only for petition staff
  created_by uuid references users (id),
  created_unit_id uuid references units (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  closed_at timestamptz,
  last_hash text not null
);
create index cases_area_idx on cases (area_code text_pattern_ops);
create index cases_state_idx on cases (state, due_at);
create index cases_assigned_idx on cases (assigned_unit_id, state);
create index cases_created_idx on cases (created_at desc);
create index cases_lonlat_idx on cases (category_code, lon, lat) where state not in ('closed', 'rejected', 'merged');
create index cases_text_trgm_idx on cases using gin ((title || ' ' || description) gin_trgm_ops);

create table case_events (
  id bigserial primary key,
  case_id uuid not null references cases (id),
  seq integer not null,
  type text not null,
  from_state text,
  to_state text not null,
  at timestamptz not null,
  actor_id uuid,
  actor_name text not null,
  actor_role text not null,
  actor_unit_id uuid,
  lon double precision,
  lat double precision,
  note text,
  evidence text[] not null default '{}',       -- attachment hashes
  payload jsonb not null default '{}',
  prev_hash text not null,
  hash text not null,
  unique (case_id, seq)
);

create table idempotency_keys (
  owner text not null,                         -- user id, or the client's identity for public channels
  key text not null,
  request_hash text not null,
  status integer not null,
  response jsonb not null,
  created_at timestamptz not null default now(),
  primary key (owner, key)
);

create table attachments (
  hash text primary key,                       -- sha256 of the bytes; the file's name on disk
  mime text not null,
  size integer not null,
  width integer,
  height integer,
  thumbnail boolean not null default false,
  original_name text not null default '',
  created_by uuid references users (id),
  created_at timestamptz not null default now()
);

create table saved_views (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users (id) on delete cascade,
  name text not null,
  filters jsonb not null,
  created_at timestamptz not null default now(),
  unique (user_id, name)
);

create table notifications (
  id bigserial primary key,
  unit_id uuid not null references units (id),
  case_id uuid references cases (id),
  kind text not null,                          -- warning | overdue | escalated | whistle_late | urged
  message text not null,
  created_at timestamptz not null default now(),
  read_at timestamptz
);
create index notifications_unit_idx on notifications (unit_id, created_at desc);

-- Background work, taken with FOR UPDATE SKIP LOCKED so several processes never run one job twice.
create table jobs (
  id bigserial primary key,
  type text not null,
  payload jsonb not null default '{}',
  run_at timestamptz not null,
  status text not null default 'pending' check (status in ('pending', 'done', 'failed')),
  attempts integer not null default 0,
  done_at timestamptz,
  done_by text,
  last_error text
);
create index jobs_due_idx on jobs (run_at) where status = 'pending';
