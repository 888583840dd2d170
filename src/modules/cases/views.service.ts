/** A user's saved case-list views (filters by name). */
import type { Principal } from '../../platform/auth/roles.js';
import type { Db } from '../../platform/db/store.js';
import { Invalid, NotFound } from '../../platform/errors.js';
import { CasesStore } from './cases.store.js';

type View = { id: string; name: string; filters: Record<string, string> };
const MAX_VIEWS = 50;

export async function listViews(db: Db, p: Principal): Promise<View[]> {
  const rows = await new CasesStore(db).views(p.userId);
  return rows.map((r) => ({ id: r.id, name: r.name, filters: r.filters as Record<string, string> }));
}

export async function saveView(db: Db, p: Principal, v: Omit<View, 'id'>): Promise<View> {
  const store = new CasesStore(db);
  if ((await store.countViews(p.userId)) >= MAX_VIEWS)
    throw new Invalid('too_many_views', 'You can keep at most 50 saved views; delete one first.');
  const row = await store.saveView(p.userId, v.name, v.filters);
  return { id: row.id, name: row.name, filters: row.filters as Record<string, string> };
}

export async function deleteView(db: Db, p: Principal, id: string): Promise<void> {
  if (!(await new CasesStore(db).deleteView(p.userId, id)))
    throw new NotFound('view_not_found', 'No such saved view.');
}
