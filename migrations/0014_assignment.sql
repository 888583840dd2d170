-- People as well as units (issue #16 part 2): a unit head (单位负责人) assigns a case to one member of
-- the case's unit (the assignee 承办人), and a notification may address one person of a unit.
alter table users add column unit_head boolean not null default false;

alter table cases add column assigned_user_id uuid references users (id);
create index cases_assigned_user_idx on cases (assigned_user_id, state);

-- null: for the whole unit's inbox (as before); set: for that person only.
alter table notifications add column user_id uuid references users (id);
