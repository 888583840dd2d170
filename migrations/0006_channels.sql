-- Channels: the extra fields a category asks for (Open311 service attributes), and what a case got
-- for them; how a case arrived from the outside (media URL, the client's device).
alter table categories add column attributes jsonb not null default '[]';
alter table cases add column attributes jsonb not null default '{}';
alter table cases add column media_url text;
