-- Notifications in both languages and per-user choices of what to be told.
-- A notification is stored as its kind (the text's key) and params; the text is rendered in the reader's
-- language when read. `message` keeps the zh-CN rendering made at write time (and the text of rows
-- written before this migration, which have no params).
alter table notifications add column params jsonb;

-- 通知设置: the notification kinds a user has switched off. Honoured when the user lists the unit's inbox
-- (notifications go to a unit, so one colleague's choice never hides a notice from another).
create table notification_prefs (
  user_id uuid primary key references users (id),
  muted_kinds text[] not null default '{}',
  updated_at timestamptz not null default now()
);
