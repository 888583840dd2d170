-- Publication policy (公开范围): what the public may see of a category's cases on Open311 and the
-- portal. The columns belong to the catalogue (cases module); channels read them through the cases
-- service. Rules in src/modules/channels/publication.ts.
--   publication      none   = never listed, 404 on direct fetch
--                    status = category, status, dates, responsible unit, point at the chosen precision
--                    text   = also the description (personal data masked), address and media
--   publish_hotline  hotline (12345) calls are not published unless the category opts in here;
--                    petitions (信访) are never published, whatever the category says
--   point_precision  exact = the reported point; grid = snapped to the centre of its grid
-- Defaults are the cautious ones: status only, hotline withheld, points snapped to the grid.
alter table categories
  add column publication text not null default 'status' check (publication in ('none', 'status', 'text')),
  add column publish_hotline boolean not null default false,
  add column point_precision text not null default 'grid' check (point_precision in ('exact', 'grid'));
