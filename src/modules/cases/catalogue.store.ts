/** The cases module's SQL on the category catalogue (立结案标准): the `categories` table. */
import type { Insertable, Selectable, Updateable } from 'kysely';
import type { CategoriesTable } from '../../platform/db/schema.js';
import type { Db, SqlExamples } from '../../platform/db/store.js';
import { categoryToRow } from './catalogue.js';
import { defaultCatalogue } from './default-catalogue.js';

export type CategoryRow = Selectable<CategoriesTable>;

export class CatalogueStore {
  constructor(private readonly db: Db) {}

  categories(opts: { includeInactive?: boolean } = {}): Promise<CategoryRow[]> {
    let q = this.db.selectFrom('categories').selectAll().orderBy('kind').orderBy('code');
    if (!opts.includeInactive) q = q.where('active', '=', true);
    return q.execute();
  }

  categoriesByCode(): Promise<CategoryRow[]> {
    return this.db.selectFrom('categories').selectAll().orderBy('code').execute();
  }

  categoryRow(code: string): Promise<CategoryRow | undefined> {
    return this.db.selectFrom('categories').selectAll().where('code', '=', code).executeTakeFirst();
  }

  async insertCategory(row: Insertable<CategoriesTable>): Promise<void> {
    await this.db.insertInto('categories').values(row).execute();
  }

  async updateCategory(code: string, set: Updateable<CategoriesTable>): Promise<void> {
    await this.db.updateTable('categories').set(set).where('code', '=', code).execute();
  }

  async upsertCategory(row: Insertable<CategoriesTable>, now: Date): Promise<void> {
    await this.db
      .insertInto('categories')
      .values(row)
      .onConflict((oc) => oc.column('code').doUpdateSet({ ...row, updated_at: now }))
      .execute();
  }

  /** Adds the rows whose code is not there yet; answers how many were added. */
  async insertMissingCategories(rows: Insertable<CategoriesTable>[]): Promise<number> {
    const res = await this.db
      .insertInto('categories')
      .values(rows)
      .onConflict((oc) => oc.column('code').doNothing())
      .executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0);
  }
}

const AT = new Date('2026-03-10T02:00:00Z');
const CATEGORY_ROW = categoryToRow(defaultCatalogue()[0] as Parameters<typeof categoryToRow>[0]);

export const SQL_EXAMPLES: SqlExamples<CatalogueStore> = {
  categories: [{ includeInactive: false }],
  categoriesByCode: [],
  categoryRow: ['component.0101'],
  insertCategory: [CATEGORY_ROW],
  updateCategory: ['component.0101', { name: 'n', updated_at: AT }],
  upsertCategory: [CATEGORY_ROW, AT],
  insertMissingCategories: [[CATEGORY_ROW]],
};
