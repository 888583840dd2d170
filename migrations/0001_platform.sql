-- Platform: audit trail of every administrative change, installation settings, text search.
create extension if not exists pg_trgm;

create table audit_log (
  id bigserial primary key,
  at timestamptz not null default now(),
  actor_id uuid,
  actor_name text not null,
  action text not null,          -- create | update | delete | import | login …
  entity text not null,          -- unit | user | rule | area | token …
  entity_id text not null,
  before jsonb,
  after jsonb
);
create index audit_log_entity_idx on audit_log (entity, entity_id, at desc);
create index audit_log_at_idx on audit_log (at desc);

create table settings (
  key text primary key,
  value jsonb not null,
  updated_at timestamptz not null default now()
);
