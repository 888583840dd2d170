-- 双随机 results from the field: the photos taken at a target (attachment hashes) and who entered the result.
alter table inspection_targets add column photos text[] not null default '{}';
alter table inspection_targets add column inspected_by uuid references users (id);
