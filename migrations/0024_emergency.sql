-- Emergency command, second slice: the duty roster (值班表) with handovers, device alarms that open or join
-- incidents by rules (replacing the alarm-as-case path of 0007_devices.sql), public notices of incidents.

-- 值班表: one row per shift of one person in one role of one unit. A person's shifts never overlap: the
-- service checks it under a per-person lock (no btree_gist exclusion constraint on the embedded store).
create table emergency_shifts (
  id uuid primary key default gen_random_uuid(),
  unit_id uuid not null references units (id),
  area_code text not null,                     -- the unit's area when rostered: the scope test
  user_id uuid not null references users (id),
  role text not null check (role in ('leader', 'officer', 'liaison')), -- 带班领导, 值班员, 联络员
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  phone text not null default '',              -- 值班电话: where the SMS sender reaches the person on duty
  created_at timestamptz not null default now(),
  check (ends_at > starts_at)
);
create index emergency_shifts_user_idx on emergency_shifts (user_id, starts_at);
create index emergency_shifts_unit_idx on emergency_shifts (unit_id, starts_at);

-- 交接班: the outgoing shift hands over to the next shift of its unit and role (if one is rostered), once.
create table emergency_handovers (
  id uuid primary key default gen_random_uuid(),
  from_shift_id uuid not null unique references emergency_shifts (id),
  to_shift_id uuid references emergency_shifts (id),
  note text not null,
  handed_over_at timestamptz not null,
  handed_over_by uuid not null references users (id)
);

-- Alarm rules (报警研判规则): `threshold` alarms of a device type and alarm type from one group (a building,
-- a grid, or one device) within `window_minutes` open an incident of the given type, subtype and level;
-- `high_rise_only` limits a rule to devices installed in high-rises. Fewer stay alarms to check.
create table emergency_alarm_rules (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  device_type text not null,
  alarm_type text not null,
  group_by text not null default 'building' check (group_by in ('building', 'grid', 'device')),
  threshold integer not null check (threshold between 1 and 100),
  window_minutes integer not null check (window_minutes between 1 and 1440),
  high_rise_only boolean not null default false,
  incident_type text not null check (incident_type in ('natural_disaster', 'accident', 'public_health', 'social_security')),
  incident_subtype text not null,
  level smallint not null check (level between 1 and 4),
  unit_id uuid references units (id),          -- the commanding unit; null = the unit of the device's account
  active boolean not null default true,
  created_at timestamptz not null default now()
);

-- Every alarm a signed device sent (the channels module refuses replays in device_messages first), what
-- the rules made of it: an incident it opened or joined, an alarm to check (核查), or nothing (no rule).
create table emergency_alarms (
  id uuid primary key default gen_random_uuid(),
  device_id text not null,
  message_id text not null,
  device_type text not null,
  device_name text not null,
  alarm_type text not null,
  building_key text not null,                  -- the building, or 'grid:' + the grid when the device names none
  area_code text not null,
  lon double precision,
  lat double precision,
  high_rise boolean not null default false,
  alarm_time text,
  value double precision,
  note text,
  received_at timestamptz not null,
  status text not null check (status in ('incident', 'to_check', 'confirmed', 'false_alarm', 'no_rule', 'case')),
  rule_id uuid references emergency_alarm_rules (id),
  incident_id uuid references emergency_incidents (id),
  case_id uuid references cases (id),          -- an alarm of the old path: the case it became (kept as it is)
  unit_id uuid references units (id),          -- who checks it, or commands its incident
  checked_by uuid references users (id),
  checked_at timestamptz,
  unique (device_id, message_id)
);
create index emergency_alarms_building_idx on emergency_alarms (building_key, alarm_type, received_at desc);
create index emergency_alarms_area_idx on emergency_alarms (area_code text_pattern_ops, received_at desc);

-- Where a device is installed, for the rules: the building (楼栋) and whether it is a high-rise (高层).
alter table devices add column building text;
alter table devices add column high_rise boolean not null default false;

-- 信息发布: an incident marked public shows its notice on the citizen portal (nothing else of it).
alter table emergency_incidents add column public_notice text;
alter table emergency_incidents add column published_at timestamptz;

-- The old rules (alarm type → case category) become incident rules: two alarms of one building within
-- 5 minutes open an incident of the level the category implied least (Ⅳ); one stays an alarm to check.
insert into emergency_alarm_rules (name, device_type, alarm_type, group_by, threshold, window_minutes,
  incident_type, incident_subtype, level)
select device_type || '/' || alarm_type, device_type, alarm_type, 'building', 2, 5,
  case when alarm_type in ('high_water', 'flood', 'water_level') then 'natural_disaster' else 'accident' end,
  case when alarm_type in ('high_water', 'flood', 'water_level') then 'flood'
       when alarm_type in ('smoke', 'fire', 'heat') then 'fire'
       when alarm_type in ('gas', 'gas_leak') then 'gas'
       else 'other' end,
  4
from alarm_rules;
drop table alarm_rules;

-- @data (re-runnable: the migration test runs what follows again over alarm cases it makes)
-- The alarm cases already filed stay cases, untouched, so their hash chains verify as before; each of
-- their messages is adopted as an alarm of status 'case' that links to its case, so the alarm history
-- is whole in one place and an incident can link the case (emergency_case_links) when one is opened.
insert into emergency_alarms (device_id, message_id, device_type, device_name, alarm_type, building_key,
  area_code, lon, lat, high_rise, received_at, status, case_id, unit_id)
select m.device_id, m.message_id, d.type, d.name, m.alarm_type,
  coalesce(d.building, 'grid:' || d.area_code), d.area_code, d.lon, d.lat, d.high_rise,
  m.received_at, 'case', m.case_id, u.unit_id
from device_messages m
join devices d on d.id = m.device_id
join users u on u.id = d.user_id
where m.case_id is not null
  and not exists (
    select 1 from emergency_alarms a where a.device_id = m.device_id and a.message_id = m.message_id
  );
