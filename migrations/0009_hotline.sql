-- The hotline console: a gazetteer of landmarks and addresses the operators keep, and a knowledge
-- base of answers for consultations (咨询), each with an owner and a review date.
create table gazetteer (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  aliases text not null default '',
  area_code text not null references areas (code), -- the grid it stands in
  lon double precision not null,
  lat double precision not null,
  created_by uuid references users (id),
  updated_at timestamptz not null default now()
);
create index gazetteer_name_trgm_idx on gazetteer using gin ((name || ' ' || aliases) gin_trgm_ops);

create table kb_entries (
  id uuid primary key default gen_random_uuid(),
  question text not null,
  answer text not null,
  tags text not null default '',
  owner_unit_id uuid not null references units (id),
  review_on date not null,
  active boolean not null default true,
  updated_by uuid references users (id),
  updated_at timestamptz not null default now()
);
create index kb_entries_trgm_idx on kb_entries using gin ((question || ' ' || tags) gin_trgm_ops);
