import { expect, it } from 'vitest';
import { describeApi } from '../../testing/api.js';
import { PLACE_SEARCH_LIMIT } from './public-places.service.js';

describeApi('portal place search: no map needed, public, limited per address', (ctx) => {
  it('finds streets and communities by name with the point a report uses, and refuses past the limit', async () => {
    const communities = await ctx()
      .store.db.selectFrom('areas')
      .select(['name', 'code'])
      .where('level', '=', 'community')
      .where('geometry', 'is not', null)
      .orderBy('code')
      .limit(5)
      .execute();
    type Hit = { kind: string; name: string; detail: string; lon: number; lat: number };
    const found: Hit[] = [];
    for (const c of communities) {
      const res = await ctx().anonymous.get(`/api/public/places?q=${encodeURIComponent(c.name)}`);
      expect(res.status, JSON.stringify(res.json)).toBe(200);
      found.push(...(res.json as Hit[]).filter((h) => h.name === c.name && h.kind === 'community'));
    }
    expect(found.length).toBeGreaterThan(0);
    // Every point given lies inside the area named (a report filed there lands in it).
    for (const h of found) {
      const at = await ctx().server.places.locate(h.lon, h.lat);
      const code = communities.find((c) => c.name === h.name)?.code ?? '-';
      expect(at?.community.code).toBe(code);
    }
    const street = { name: found[0]?.name ?? '' };
    // The report takes that point without a map.
    const located = await ctx().anonymous.get(
      `/api/public/places?q=${encodeURIComponent('no such place 无此地')}`,
    );
    expect([located.status, located.json]).toEqual([200, []]);
    const empty = await ctx().anonymous.get('/api/public/places?q=');
    expect(empty.status).toBe(400);
    let last = 200;
    for (let i = 0; i < PLACE_SEARCH_LIMIT.perMinute - communities.length; i++)
      last = (await ctx().anonymous.get(`/api/public/places?q=${encodeURIComponent(street.name)}`)).status;
    expect(last).toBe(429);
    const refused = await ctx().anonymous.get(`/api/public/places?q=${encodeURIComponent(street.name)}`);
    expect([refused.status, refused.json.error.code]).toEqual([429, 'too_many_searches']);
  });
});
