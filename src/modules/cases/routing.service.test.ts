/**
 * Routing over a real database (both stores): the cold-start model from the catalogue alone, suggestions
 * recorded with what the person chose (accepted or overridden), a retrain on closed cases kept when it is
 * no worse and rejected when it scores worse on the held-back recent cases.
 */
import os from 'node:os';
import { beforeAll, expect, it } from 'vitest';
import type { Principal } from '../../platform/auth/roles.js';
import { describeEachStore } from '../../platform/db/testing.js';
import { FileStore } from '../../platform/files/files.js';
import { seedDemo } from '../../seed/demo.js';
import { principalOfUser } from '../org/org.service.js';
import { Places } from '../places/places.service.js';
import { Cases } from './cases.service.js';

const LEARNER = { epochs: 6, bits: 14 };
const GARBAGE = 'event.0102';
const PARKING = 'event.0503';

describeEachStore('routing: suggestions, choices and retraining', (store) => {
  let cases: Cases;
  let grid: string;
  let operator: Principal;
  let n = 0;

  beforeAll(async () => {
    const db = store().db;
    await seedDemo(db, { districts: ['120101'] });
    cases = new Cases(db, new Places(db), new FileStore(db, os.tmpdir()), { routing: { learner: LEARNER } });
    grid = (
      await db
        .selectFrom('areas')
        .select('code')
        .where('level', '=', 'grid')
        .where('code', 'like', '120101001%')
        .orderBy('code')
        .executeTakeFirstOrThrow()
    ).code;
    const p = await principalOfUser(db, { username: 'operator', activeOnly: true }, 'operator');
    if (!p) throw new Error('no demo operator');
    operator = p;
  });

  /** Files cases through intake, then marks them closed (as the loop would, without walking every step). */
  async function closed(items: { title: string; categoryCode: string }[]): Promise<void> {
    const db = store().db;
    for (const it of items) {
      const filed = await cases.intake.file(operator, {
        categoryCode: it.categoryCode,
        title: it.title,
        description: `${it.title}，请尽快处理`,
        areaCode: grid,
        crs: 'wgs84',
        address: '',
        evidence: [],
        attributes: {},
      });
      n++;
      await db
        .updateTable('cases')
        .set({ state: 'closed', closed_at: new Date(Date.UTC(2026, 0, 1) + n * 60_000) })
        .where('id', '=', filed.id)
        .execute();
    }
  }

  const garbage = (k: number, label = GARBAGE) =>
    Array.from({ length: k }, (_, i) => ({
      title: `${['小区', '路边', '楼下', '市场'][i % 4]}垃圾堆放没人清运${i}`,
      categoryCode: label,
    }));
  const parking = (k: number, label = PARKING) =>
    Array.from({ length: k }, (_, i) => ({
      title: `${['门口', '人行道', '消防通道', '路口'][i % 4]}机动车乱停放堵路${i}`,
      categoryCode: label,
    }));

  it('starts cold from the catalogue alone: its words find the category', async () => {
    const r = await cases.routing.suggest(operator, { text: '路灯不亮，晚上很黑' }, 'hotline');
    expect(r.modelSource).toBe('catalogue');
    expect(r.suggestions).toHaveLength(3);
    const lamp = (await cases.engine.category(r.suggestions[0]?.categoryCode ?? '')).name;
    expect(lamp).toBe('路灯');
    const models = await cases.routing.models();
    expect(models).toHaveLength(1);
    expect(models[0]).toMatchObject({ source: 'catalogue', status: 'active' });
  });

  it('answers bad text with no suggestion and a reason, and records it', async () => {
    const r = await cases.routing.suggest(operator, { text: '13812345678' }, 'hotline');
    expect(r).toMatchObject({ suggestions: [], reason: 'no_words' });
    expect(r.suggestionId).toBeGreaterThan(0);
  });

  it('records accepting the first suggestion and overriding it', async () => {
    const a = await cases.routing.suggest(operator, { text: '小区门口垃圾堆放没人清运' }, 'hotline');
    const first = a.suggestions[0]?.categoryCode as string;
    expect(await cases.routing.recordChoice(operator, a.suggestionId, { categoryCode: first })).toEqual({
      accepted: true,
    });
    const b = await cases.routing.suggest(operator, { text: '路边机动车乱停放' }, 'staff');
    const other = b.suggestions[1]?.categoryCode as string;
    expect(await cases.routing.recordChoice(operator, b.suggestionId, { categoryCode: other })).toEqual({
      accepted: false,
    });
    const months = await cases.routing.stats({ ...operator, scope: '' });
    const total = months.reduce(
      (s, m) => ({ chosen: s.chosen + m.chosen, accepted: s.accepted + m.accepted }),
      {
        chosen: 0,
        accepted: 0,
      },
    );
    expect(total).toEqual({ chosen: 2, accepted: 1 });
    // Someone else's suggestion is not there for this caller.
    const inspector = await principalOfUser(
      store().db,
      { username: 'inspector', activeOnly: true },
      'inspector',
    );
    await expect(
      cases.routing.recordChoice(inspector as Principal, a.suggestionId, { categoryCode: first }),
    ).rejects.toMatchObject({ code: 'suggestion_not_found' });
  });

  it('keeps a retrain that is no worse, and rejects one that scores worse on the recent cases', async () => {
    await closed([...garbage(30), ...parking(30)]);
    const first = await store()
      .db.transaction()
      .execute((trx) => cases.routing.retrain(trx, 'test'));
    expect(first).toMatchObject({ source: 'cases', status: 'active' });
    expect(first.held_out).toBeGreaterThanOrEqual(12);
    // Older cases with the labels swapped, then recent ones filed as before: trained on the swapped ones,
    // the new model gets the recent cases wrong, while the active one gets them right.
    await closed([...garbage(50, PARKING), ...parking(50, GARBAGE)]);
    await closed([...garbage(16), ...parking(16)]);
    const second = await store()
      .db.transaction()
      .execute((trx) => cases.routing.retrain(trx, 'test'));
    expect(second.status).toBe('rejected');
    expect(second.top1 as number).toBeLessThan(second.previous_top1 as number);
    const active = await cases.routing.models();
    expect(active.find((m) => m.status === 'active')?.id).toBe(first.id);
    const r = await cases.routing.suggest(operator, { text: '楼下垃圾堆放没人清运' }, 'hotline');
    expect(r.modelId).toBe(first.id);
    expect(r.suggestions[0]?.categoryCode).toBe(GARBAGE);
  });
});
