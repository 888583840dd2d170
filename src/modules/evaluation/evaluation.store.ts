/** The evaluation module's SQL: assessment schemes per district and first month (evaluation_schemes). */
import type { Db, SqlExamples } from '../../platform/db/store.js';

export class EvaluationStore {
  constructor(private readonly db: Db) {}

  /** The scheme in force for a month: the one saved for it or the latest earlier month. */
  schemeInForce(district: string, period: string) {
    return this.db
      .selectFrom('evaluation_schemes')
      .select(['district', 'period', 'scheme', 'updated_at'])
      .where('district', '=', district)
      .where('period', '<=', period)
      .orderBy('period', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  async saveScheme(district: string, period: string, scheme: object, userId: string, at: Date) {
    return this.db
      .insertInto('evaluation_schemes')
      .values({ district, period, scheme: JSON.stringify(scheme), updated_by: userId, updated_at: at })
      .onConflict((oc) =>
        oc
          .columns(['district', 'period'])
          .doUpdateSet({ scheme: JSON.stringify(scheme), updated_by: userId, updated_at: at }),
      )
      .returning(['district', 'period', 'scheme', 'updated_at'])
      .executeTakeFirstOrThrow();
  }
}

const ID = '00000000-0000-4000-8000-000000000001';
export const SQL_EXAMPLES: SqlExamples<EvaluationStore> = {
  schemeInForce: ['120101', '2026-03'],
  saveScheme: ['120101', '2026-03', { name: 'x' }, ID, new Date('2026-03-10T02:00:00Z')],
};
