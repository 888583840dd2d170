-- Places: the four-level area model 区—街道—社区—网格 with GeoJSON geometry in WGS84.
create table areas (
  code text primary key check (code ~ '^[0-9]{6}([0-9]{3}([0-9]{3}([0-9]{3})?)?)?$'),
  name text not null,
  level text not null check (level in ('district', 'street', 'community', 'grid')),
  parent_code text references areas (code),
  geometry jsonb,                -- GeoJSON Polygon | MultiPolygon, WGS84
  bbox double precision[],       -- [minLon, minLat, maxLon, maxLat]
  synthetic boolean not null default false, -- generated (not official) geometry
  source text,                   -- where the row came from: divisions csv, generator, import file
  check ((level = 'district') = (parent_code is null)),
  check (length(code) = case level when 'district' then 6 when 'street' then 9 when 'community' then 12 else 15 end)
);
create index areas_parent_idx on areas (parent_code);
create index areas_level_idx on areas (level);
create index areas_code_prefix_idx on areas (code text_pattern_ops);
