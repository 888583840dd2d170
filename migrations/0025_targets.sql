-- 督查督办, second step: an item keeps the rule that produced it and the extractor's proposal (so a
-- reviewer's corrections can be exported as labelled data); five-year plans' indicators (规划年度监测)
-- with each year's actual value and its source.

alter table targets add column rule text not null default '';
-- What the extractor proposed ({kind, indicator, measure, value, value_max, unit, period}); null for
-- items written before this migration.
alter table targets add column proposed jsonb;

create table plan_indicators (
  id uuid primary key default gen_random_uuid(),
  document_id uuid not null references target_documents (id) on delete cascade,
  position integer not null,
  name text not null,
  unit text not null default '',
  base_year integer not null check (base_year between 2000 and 2100),
  base_value numeric,                                   -- null: a rate with no level (年均增长)
  target_year integer not null check (target_year between 2000 and 2100),
  target_value numeric not null,
  binding boolean not null,                             -- 约束性 (true) or 预期性 (false)
  row_text text not null,                               -- the table row as read
  check (target_year > base_year),
  unique (document_id, position)
);

create table plan_actuals (
  id uuid primary key default gen_random_uuid(),
  indicator_id uuid not null references plan_indicators (id) on delete cascade,
  year integer not null check (year between 2000 and 2100),
  value numeric not null,
  source text not null check (source in ('statistical_bulletin', 'department')), -- 统计公报 / 部门数据
  source_note text not null default '',
  recorded_by uuid references users (id),
  recorded_at timestamptz not null default now(),
  unique (indicator_id, year)
);
