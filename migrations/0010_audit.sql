-- Audit: the audit log becomes append-only and hash-chained (tamper evidence).
-- Each row's hash is sha256 over its canonical content, which starts with the previous row's hash.
-- The chain is linear: the insert trigger takes an advisory lock for the chain head, so one writer at
-- a time reads the head and appends; the lock is held until that transaction ends.
-- `wangge verify` re-computes the chain (src/platform/audit/audit-chain.ts mirrors audit_log_canonical).

alter table audit_log add column prev_hash text, add column hash text;

-- One field of the canonical text: its length in bytes, a colon, the text, a semicolon; null is `~;`.
create function audit_field(t text) returns text language sql immutable as $$
  select case when t is null then '~;' else octet_length(t)::text || ':' || t || ';' end
$$;

create function audit_log_canonical(
  prev_hash text, id bigint, at timestamptz, actor_id uuid, actor_name text, action text,
  entity text, entity_id text, before jsonb, after jsonb
) returns text language sql immutable as $$
  select audit_field(prev_hash) || audit_field(id::text)
    || audit_field(to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))
    || audit_field(actor_id::text) || audit_field(actor_name) || audit_field(action)
    || audit_field(entity) || audit_field(entity_id) || audit_field(before::text) || audit_field(after::text)
$$;

create function audit_log_hash(r audit_log) returns text language sql immutable as $$
  select encode(sha256(convert_to(audit_log_canonical(r.prev_hash, r.id, r.at, r.actor_id, r.actor_name,
    r.action, r.entity, r.entity_id, r.before, r.after), 'UTF8')), 'hex')
$$;

-- Chain the rows written before this migration, in id order.
do $$
declare
  r audit_log;
  head text := repeat('0', 64);
begin
  for r in select * from audit_log order by id loop
    r.prev_hash := head;
    head := audit_log_hash(r);
    update audit_log set prev_hash = r.prev_hash, hash = head where id = r.id;
  end loop;
end $$;

alter table audit_log alter column prev_hash set not null, alter column hash set not null;
-- A second row claiming the same predecessor would fork the chain: refuse it whatever the writer did.
create unique index audit_log_prev_hash_idx on audit_log (prev_hash);

-- The id is given by the trigger inside the lock, so id order is chain order.
alter table audit_log alter column id drop default;

/** Restore mode (`wangge restore`, one transaction): rows keep the id and hashes of the archive. */
create function audit_restoring() returns boolean language sql stable as $$
  select coalesce(current_setting('wangge.restoring', true), '') = 'on'
$$;

create function audit_log_chain() returns trigger language plpgsql as $$
declare
  head text;
begin
  if audit_restoring() then
    return new;
  end if;
  perform pg_advisory_xact_lock(4242010);
  new.id := nextval(pg_get_serial_sequence('audit_log', 'id'));
  select hash into head from audit_log order by id desc limit 1;
  new.prev_hash := coalesce(head, repeat('0', 64));
  new.hash := audit_log_hash(new);
  return new;
end $$;

create trigger audit_log_chain before insert on audit_log
  for each row execute function audit_log_chain();

create function audit_log_append_only() returns trigger language plpgsql as $$
begin
  if audit_restoring() then
    return case tg_op when 'DELETE' then old else new end;
  end if;
  raise exception 'audit_log is append-only: % refused', tg_op using errcode = '42501';
end $$;

create trigger audit_log_no_change before update or delete on audit_log
  for each row execute function audit_log_append_only();
create trigger audit_log_no_truncate before truncate on audit_log
  for each statement execute function audit_log_append_only();
