/** A user's saved case-list views (filters by name) and their unit's notifications. */
import type { Kysely } from 'kysely';
import type { Principal } from '../../platform/auth/roles.js';
import type { DB } from '../../platform/db/schema.js';
import { Invalid, NotFound } from '../../platform/errors.js';

type View = { id: string; name: string; filters: Record<string, string> };

export async function listViews(db: Kysely<DB>, p: Principal): Promise<View[]> {
  const rows = await db
    .selectFrom('saved_views')
    .select(['id', 'name', 'filters'])
    .where('user_id', '=', p.userId)
    .orderBy('name')
    .execute();
  return rows.map((r) => ({ id: r.id, name: r.name, filters: r.filters as Record<string, string> }));
}

export async function saveView(db: Kysely<DB>, p: Principal, v: Omit<View, 'id'>): Promise<View> {
  const count = await db
    .selectFrom('saved_views')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', p.userId)
    .executeTakeFirstOrThrow();
  if (Number(count.n) >= 50)
    throw new Invalid('too_many_views', 'You can keep at most 50 saved views; delete one first.');
  const row = await db
    .insertInto('saved_views')
    .values({ user_id: p.userId, name: v.name, filters: JSON.stringify(v.filters) })
    .onConflict((oc) => oc.columns(['user_id', 'name']).doUpdateSet({ filters: JSON.stringify(v.filters) }))
    .returning(['id', 'name', 'filters'])
    .executeTakeFirstOrThrow();
  return { id: row.id, name: row.name, filters: row.filters as Record<string, string> };
}

export async function deleteView(db: Kysely<DB>, p: Principal, id: string): Promise<void> {
  const res = await db
    .deleteFrom('saved_views')
    .where('id', '=', id)
    .where('user_id', '=', p.userId)
    .executeTakeFirst();
  if (Number(res.numDeletedRows) === 0) throw new NotFound('view_not_found', 'No such saved view.');
}

export async function listNotifications(db: Kysely<DB>, p: Principal) {
  if (!p.unitId) return [];
  const rows = await db
    .selectFrom('notifications')
    .select(['id', 'case_id', 'kind', 'message', 'created_at'])
    .where('unit_id', '=', p.unitId)
    .orderBy('created_at', 'desc')
    .limit(100)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    caseId: r.case_id,
    kind: r.kind,
    message: r.message,
    createdAt: r.created_at.toISOString(),
  }));
}
