-- Device alarms (物联感知): the device registry, the rules that turn an alarm into a case, and every
-- message received (replay protection, and the link from repeated alarms to their open case).
create table devices (
  id text primary key check (id ~ '^[A-Za-z0-9_.:-]{3,64}$'),
  type text not null,                          -- smoke_detector | water_level | …
  name text not null,
  secret text not null,                        -- shared HMAC key (the device signs with it)
  area_code text not null references areas (code), -- the grid it is installed in
  lon double precision,
  lat double precision,
  user_id uuid not null references users (id), -- the account its cases are filed as
  active boolean not null default true,
  created_at timestamptz not null default now()
);

create table alarm_rules (
  id uuid primary key default gen_random_uuid(),
  device_type text not null,
  alarm_type text not null,
  category_code text not null references categories (code),
  dedupe_minutes integer not null default 60 check (dedupe_minutes between 0 and 10080),
  unique (device_type, alarm_type)
);

create table device_messages (
  device_id text not null references devices (id),
  message_id text not null,
  alarm_type text not null,
  received_at timestamptz not null default now(),
  case_id uuid references cases (id),
  primary key (device_id, message_id)
);
create index device_messages_case_idx on device_messages (device_id, received_at desc) where case_id is not null;
