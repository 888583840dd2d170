-- Open311 API keys: a principal of their own, never a staff credential. A key is valid only on the
-- Open311 endpoint it was made for (production or test) and for one jurisdiction (a district code);
-- /api/* answers 401 to it. Made at installation at random, shown once, stored as a sha256 hash, and
-- rotated or revoked by administrators from the console.
create table api_keys (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  key_hash text not null unique,   -- sha256 of the key; the key itself is never stored
  key_prefix text not null,        -- its first characters, to recognise a key in the console
  endpoint text not null default 'production' check (endpoint in ('production', 'test')),
  jurisdiction text not null check (jurisdiction ~ '^\d{6}$'),
  -- The machine account the requests are filed as (its unit registers them); its scope is not used:
  -- a key's requests are confined to the key's jurisdiction.
  user_id uuid not null references users (id),
  created_at timestamptz not null default now(),
  rotated_at timestamptz,
  last_used_at timestamptz,
  revoked_at timestamptz
);

-- The demo's Open311 key used to be an API token of the `open311` machine account, derived from the
-- demo password (the same on every installation that kept it) and valid on the whole staff API.
update api_tokens set revoked_at = now()
where revoked_at is null and user_id in (select id from users where username = 'open311');
