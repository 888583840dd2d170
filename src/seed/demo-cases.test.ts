import { expect, it } from 'vitest';
import { describeApi } from '../testing/api.js';
import { seedDemoCases } from './demo-cases.js';

describeApi('demo cases', (ctx) => {
  it('fills the queues through the real service, once', async () => {
    const { store, server } = ctx();
    expect(await seedDemoCases(store.db, server.cases)).toBe(7);
    expect(await seedDemoCases(store.db, server.cases)).toBe(0);
    const states = await store.db.selectFrom('cases').select('state').orderBy('created_at').execute();
    expect(states.map((s) => s.state)).toEqual([
      'reported',
      'filed',
      'filed',
      'dispatched',
      'handling',
      'reported',
      'closed',
    ]);
    expect((await server.cases.queries.verifyChains()).broken).toEqual([]);
  });
});
