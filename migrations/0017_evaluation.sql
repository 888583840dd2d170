-- Evaluation (考核评价): the assessment schemes a district edits, one per district and month from which it
-- is active (until a later month has its own). The figures themselves are computed from the case events.

create table evaluation_schemes (
  district text not null check (district ~ '^[0-9]{6}$'),
  period text not null check (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'), -- the first month it is active
  scheme jsonb not null,
  updated_by uuid references users (id),
  updated_at timestamptz not null default now(),
  primary key (district, period)
);
