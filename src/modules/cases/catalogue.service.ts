/** The category catalogue (立结案标准): list, edit, XLSX import/export — audited, all-or-nothing. */
import type { Kysely } from 'kysely';
import { recordAudit } from '../../platform/audit/audit.js';
import type { Principal } from '../../platform/auth/roles.js';
import type { DB } from '../../platform/db/schema.js';
import type { Db } from '../../platform/db/store.js';
import { Invalid, NotFound } from '../../platform/errors.js';
import type { CategoryPatchT, CategoryT } from './cases.schemas.js';
import {
  catalogueToXlsx,
  categoryToRow,
  checkCodeParts,
  parseCatalogueXlsx,
  toCategory,
} from './catalogue.js';
import { CatalogueStore } from './catalogue.store.js';
import { defaultCatalogue } from './default-catalogue.js';

export { rulesOf, toCategory } from './catalogue.js';

export async function listCategories(db: Db, opts: { includeInactive?: boolean } = {}): Promise<CategoryT[]> {
  return (await new CatalogueStore(db).categories(opts)).map(toCategory);
}

export async function getCategory(db: Db, code: string): Promise<CategoryT> {
  const row = await new CatalogueStore(db).categoryRow(code);
  if (!row) throw new NotFound('category_not_found', `There is no category ${code}.`);
  return toCategory(row);
}

export async function createCategory(db: Kysely<DB>, p: Principal, c: CategoryT): Promise<CategoryT> {
  checkCodeParts(c);
  return db.transaction().execute(async (trx) => {
    const store = new CatalogueStore(trx);
    if (await store.categoryRow(c.code))
      throw new Invalid('duplicate', `Category ${c.code} exists already; edit it instead.`);
    await store.insertCategory(categoryToRow(c));
    await recordAudit(trx, p, { action: 'create', entity: 'category', entityId: c.code, after: c });
    return c;
  });
}

export async function updateCategory(
  db: Kysely<DB>,
  p: Principal,
  code: string,
  patch: CategoryPatchT,
): Promise<CategoryT> {
  return db.transaction().execute(async (trx) => {
    const before = await getCategory(trx, code);
    const after = { ...before, ...patch };
    const { code: _c, kind: _k, major_code: _ma, minor_code: _mi, ...set } = categoryToRow(after);
    await new CatalogueStore(trx).updateCategory(code, { ...set, updated_at: new Date() });
    await recordAudit(trx, p, { action: 'update', entity: 'category', entityId: code, before, after });
    return after;
  });
}

/** The default catalogue, added where missing (a district's own edits are never overwritten). */
export async function seedCatalogue(db: Db): Promise<number> {
  return new CatalogueStore(db).insertMissingCategories(defaultCatalogue().map((c) => categoryToRow(c)));
}

export async function exportCatalogueXlsx(db: Db): Promise<Buffer> {
  return catalogueToXlsx(await new CatalogueStore(db).categoriesByCode());
}

/** Reads every row first and names the first bad one; writes nothing unless all are valid. */
export async function importCatalogueXlsx(
  db: Kysely<DB>,
  p: Principal,
  bytes: Buffer,
): Promise<{ imported: number }> {
  const parsed = await parseCatalogueXlsx(bytes);
  const codes = parsed.map((c) => c.code);
  await db.transaction().execute(async (trx) => {
    const store = new CatalogueStore(trx);
    for (const c of parsed) await store.upsertCategory(categoryToRow(c), new Date());
    await recordAudit(trx, p, { action: 'import', entity: 'category', entityId: '*', after: { codes } });
  });
  return { imported: parsed.length };
}
