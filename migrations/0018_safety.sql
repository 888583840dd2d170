-- 安全生产监管 (safety supervision): the registry of places and enterprises under supervision, hazards
-- (隐患) with their rectification and hash-chained events, and 双随机、一公开 inspection plans whose draw
-- anyone can re-run from the published seed, pool and roster.

create table safety_places (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  credit_code text unique,                         -- 统一社会信用代码 (GB 32100), null for places without one
  address text not null default '',
  lon double precision,
  lat double precision,
  area_code text not null references areas (code), -- the grid the location falls in (or the street given)
  industry text not null,
  risk_grade text not null check (risk_grade in ('high', 'elevated', 'medium', 'low')), -- 重大/较大/一般/低风险
  contacts jsonb not null default '[]',            -- [{name, phone, role}]
  last_inspected_on date,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index safety_places_area_idx on safety_places (area_code text_pattern_ops);

create table hazards (
  id uuid primary key default gen_random_uuid(),
  place_id uuid not null references safety_places (id),
  area_code text not null references areas (code),
  industry text not null,
  class text not null,                             -- 隐患类别, e.g. 消防, 用电, 燃气
  grade text not null check (grade in ('general', 'major')), -- 一般 / 重大
  major_level integer check (major_level between 1 and 3),   -- 重大隐患 一/二/三级
  found_by text not null check (found_by in ('self_check', 'inspection', 'citizen_report', 'device')),
  description text not null,
  photos text[] not null default '{}',             -- attachment hashes
  measures text not null default '',
  responsible_person text not null default '',
  deadline timestamptz not null,
  funds numeric,
  listed_level text check (listed_level in ('district', 'city', 'province')), -- 挂牌督办
  state text not null default 'registered'
    check (state in ('registered', 'assigned', 'rectifying', 'applied', 'rechecked', 'closed')),
  assigned_unit_id uuid references units (id),
  supervising_unit_id uuid references units (id),  -- the registering unit: told of escalations
  case_id uuid unique,                             -- the case it was turned from (cases module's id)
  inspection_target_id uuid,
  escalated_at timestamptz,
  rectified_at timestamptz,                        -- applied for closing
  closed_at timestamptz,
  version integer not null default 1,
  created_by uuid references users (id),
  created_at timestamptz not null default now(),
  check ((grade = 'major') = (major_level is not null))
);
create index hazards_area_idx on hazards (area_code text_pattern_ops);
create index hazards_place_idx on hazards (place_id);

-- Each event's hash covers its content and the previous hash (same scheme as case_events).
create table hazard_events (
  id bigserial primary key,
  hazard_id uuid not null references hazards (id),
  seq integer not null,
  type text not null,
  from_state text,
  to_state text not null,
  at timestamptz not null,
  actor_id uuid,
  actor_name text not null,
  note text,
  payload jsonb not null default '{}',
  prev_hash text not null,
  hash text not null,
  unique (hazard_id, seq)
);

create table inspection_plans (
  id uuid primary key default gen_random_uuid(),
  title text not null,
  area_code text not null references areas (code),
  filters jsonb not null,                          -- {industries, grades, areaCode, excludeInspectedMonths}
  target_count integer not null check (target_count > 0),
  different_units boolean not null default true,
  roster jsonb not null,                           -- [{id, name, unit, conflicts: [placeId]}]
  seed text not null,                              -- published before the draw
  pool jsonb,                                      -- the pool as drawn from: [{id, grade}] sorted by id
  drawn_at timestamptz,
  created_by uuid references users (id),
  created_at timestamptz not null default now()
);
create index inspection_plans_area_idx on inspection_plans (area_code text_pattern_ops);

create table inspection_targets (
  id uuid primary key default gen_random_uuid(),
  plan_id uuid not null references inspection_plans (id),
  place_id uuid not null references safety_places (id),
  position integer not null,
  stratum text not null,
  inspectors jsonb not null,                       -- the two drawn roster entries [{id, name, unit}]
  result text check (result in ('no_problem', 'hazards_found', 'not_found')),
  result_note text,
  inspected_on date,
  unique (plan_id, place_id),
  unique (plan_id, position)
);
