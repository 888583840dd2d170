-- Organisation: units, users with roles and a scope, sessions, API tokens, responsibility rules.
create table units (
  id uuid primary key default gen_random_uuid(),
  code text not null unique,
  name text not null,
  name_en text not null default '',
  type text not null check (type in ('command_center', 'department', 'street_office', 'community', 'hotline_center')),
  area_code text not null references areas (code),
  parent_id uuid references units (id),
  active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index units_area_idx on units (area_code text_pattern_ops);

create table users (
  id uuid primary key default gen_random_uuid(),
  username text not null unique check (username ~ '^[a-z0-9_.-]{3,40}$'),
  display_name text not null,
  password_hash text not null,
  roles text[] not null check (cardinality(roles) > 0),
  unit_id uuid references units (id),
  scope text not null,           -- area code prefix; '' = the whole installation (administrators)
  locale text not null default 'zh-CN' check (locale in ('zh-CN', 'en')),
  active boolean not null default true,
  failed_logins integer not null default 0,
  locked_until timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table sessions (
  id text primary key,           -- sha256 of the cookie value; the value itself is never stored
  user_id uuid not null references users (id) on delete cascade,
  csrf_token text not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index sessions_user_idx on sessions (user_id);

create table api_tokens (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users (id) on delete cascade,
  name text not null,
  token_hash text not null unique, -- sha256 of the token; shown once at creation
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);

-- Login attempts per source address, for the rate limit across processes.
create table login_attempts (
  source text not null,
  at timestamptz not null default now()
);
create index login_attempts_idx on login_attempts (source, at);

-- 职责规则: category pattern × area prefix → unit, first match by position wins.
create table responsibility_rules (
  id uuid primary key default gen_random_uuid(),
  position integer not null,
  category_pattern text not null, -- '*' or a category code prefix such as 'event.01' / 'component.0101'
  area_prefix text not null,      -- '' = anywhere
  unit_id uuid not null references units (id),
  note text not null default '',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index responsibility_rules_position_idx on responsibility_rules (position);
