-- Open311's test endpoint (沙箱): requests sent to /open311/test/v2 with a test key are checked exactly
-- like production ones, then kept here and only here. They are never cases: no district queue, list,
-- indicator, deadline or notification ever sees them. App developers read them back through the test
-- endpoint (GET requests, tokens, updates).
create table open311_sandbox_requests (
  id bigserial primary key,
  number text not null unique,          -- service_request_id, 'T' + the district + a sequence
  token text not null unique,
  api_key_id uuid not null,             -- the test key that sent it
  jurisdiction text not null check (jurisdiction ~ '^\d{6}$'),
  service_code text not null,
  service_name text not null,
  description text not null,
  address text not null,
  area_code text not null,
  lon double precision,
  lat double precision,
  attributes jsonb not null default '{}',
  media_url text,
  status text not null default 'open' check (status in ('open', 'closed')),
  updates jsonb not null default '[]',  -- updates posted to it: [{ id, description, at }]
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index open311_sandbox_list_idx on open311_sandbox_requests (jurisdiction, created_at desc, number);

-- The Open311 list reads (default page: the newest public requests, stable by number on ties) and
-- its extensions (updated_after / updated_before; the updates feed by event time).
create index cases_public_list_idx on cases (created_at desc, number)
  where kind in ('component', 'event', 'request');
create index cases_updated_idx on cases (updated_at desc, number);
create index case_events_at_idx on case_events (at, id);
