-- The citizen portal's abuse limits: what each address and device submitted, and when.
create table public_submissions (
  id bigserial primary key,
  kind text not null check (kind in ('report', 'upload', 'rating')),
  source text not null,   -- client address
  device text not null,   -- the browser's own random id
  at timestamptz not null default now()
);
create index public_submissions_source_idx on public_submissions (source, at);
create index public_submissions_device_idx on public_submissions (device, at);
