-- Emergency command (应急指挥), first slice: incidents (突发事件) with their own hash-chained time line,
-- the cases linked to them, versioned plans (预案) and their activations, each activation's tasks.
create table emergency_incidents (
  id uuid primary key default gen_random_uuid(),
  number text not null unique,                 -- YJ + Shanghai date + sequence, e.g. YJ202612020001
  title text not null,
  type text not null check (type in ('natural_disaster', 'accident', 'public_health', 'social_security')),
  subtype text not null,
  level smallint not null check (level between 1 and 4),          -- Ⅰ (most severe) … Ⅳ
  colour text not null check (colour in ('red', 'orange', 'yellow', 'blue')),
  status text not null default 'open' check (status in ('open', 'closed')),
  lon double precision,
  lat double precision,
  area_code text not null,                     -- the place's grid (or the area reported): the scope test
  affected_grids text[] not null default '{}',
  reporter text not null,
  unit_id uuid not null references units (id), -- the commanding unit: its inbox hears of every change
  command jsonb not null default '{}',         -- 总指挥 commander, 现场指挥 onSite, liaison: names
  description text not null default '',
  summary text,
  version integer not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  closed_at timestamptz
);
create index emergency_incidents_area_idx on emergency_incidents (area_code text_pattern_ops);

create table emergency_events (
  id bigserial primary key,
  incident_id uuid not null references emergency_incidents (id),
  seq integer not null,
  type text not null,
  at timestamptz not null,
  actor_id uuid,
  actor_name text not null,
  note text,
  payload jsonb not null default '{}',
  prev_hash text not null,
  hash text not null,
  unique (incident_id, seq)
);

create table emergency_case_links (
  incident_id uuid not null references emergency_incidents (id),
  case_id uuid not null references cases (id),
  linked_at timestamptz not null default now(),
  primary key (incident_id, case_id)
);

-- A plan's versions share its code; an edit adds a version, never changes one that may have run.
create table emergency_plans (
  id uuid primary key default gen_random_uuid(),
  code text not null,
  version integer not null,
  name text not null,
  area_code text not null,                     -- district (6), street (9) or community (12 digits)
  type text not null check (type in ('natural_disaster', 'accident', 'public_health', 'social_security')),
  level smallint not null check (level between 1 and 4),
  steps jsonb not null,                        -- [{ title, unitId, dueMinutes, resources: [{ name, quantity }] }]
  created_at timestamptz not null default now(),
  unique (code, version)
);

create table emergency_activations (
  id uuid primary key default gen_random_uuid(),
  incident_id uuid not null references emergency_incidents (id),
  plan_id uuid not null references emergency_plans (id),
  plan_code text not null,
  plan_version integer not null,
  status text not null default 'active' check (status in ('active', 'done')),
  activated_at timestamptz not null,
  activated_by uuid
);
-- A plan runs once at a time on an incident: a second activation while the first is active is refused.
create unique index emergency_activations_once on emergency_activations (incident_id, plan_code)
  where status = 'active';

create table emergency_tasks (
  id uuid primary key default gen_random_uuid(),
  activation_id uuid not null references emergency_activations (id),
  incident_id uuid not null references emergency_incidents (id),
  step_no integer not null,
  title text not null,
  unit_id uuid not null references units (id),
  due_at timestamptz not null,
  resources jsonb not null default '[]',
  done_at timestamptz,
  done_by uuid,
  unique (activation_id, step_no)
);
create index emergency_tasks_incident_idx on emergency_tasks (incident_id);

-- Resources (应急资源): stockpiles (物资, quantity in stock), teams (队伍, size and skills) and shelters
-- (避难场所, capacity), each at a point located to its grid. `available` is what is not dispatched now.
create table emergency_resources (
  id uuid primary key default gen_random_uuid(),
  kind text not null check (kind in ('stockpile', 'team', 'shelter')),
  name text not null,
  category text not null,                      -- what it is: 抽水泵, 沙袋, 消防救援队 …
  quantity integer not null check (quantity > 0),
  available integer not null check (available >= 0 and available <= quantity),
  measure text not null default '',            -- 台, 袋, 人 …
  skills text[] not null default '{}',
  lon double precision not null,
  lat double precision not null,
  area_code text not null,
  created_at timestamptz not null default now()
);
create index emergency_resources_area_idx on emergency_resources (area_code text_pattern_ops);

create table emergency_dispatches (
  id uuid primary key default gen_random_uuid(),
  resource_id uuid not null references emergency_resources (id),
  incident_id uuid not null references emergency_incidents (id),
  quantity integer not null check (quantity > 0),
  dispatched_at timestamptz not null,
  dispatched_by uuid,
  returned_at timestamptz
);
create index emergency_dispatches_incident_idx on emergency_dispatches (incident_id);
