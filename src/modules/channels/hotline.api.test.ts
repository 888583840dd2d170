import { beforeAll, expect, it } from 'vitest';
import { type Client, describeApi } from '../../testing/api.js';
import { wholeCellCentre } from '../../testing/grid-cells.js';

describeApi('hotline console API: callers, places, knowledge base', (ctx) => {
  let operator: Client;
  let point: { lon: number; lat: number };

  beforeAll(async () => {
    operator = await ctx().login('operator');
    const { lon, lat } = await wholeCellCentre(ctx().store.db, '120101002');
    point = { lon, lat };
  });

  it("shows a caller's earlier cases by phone number", async () => {
    const made = await operator.post('/api/cases', {
      categoryCode: 'request.0305',
      title: '楼上夜间装修噪声',
      description: '每晚十点后装修',
      ...point,
      reporter: { name: '李先生', phone: '13700001111' },
    });
    expect(made.status).toBe(201);
    const earlier = await operator.get('/api/hotline/callers/13700001111/cases');
    expect(earlier.json.map((c: { number: string }) => c.number)).toEqual([made.json.number]);
    expect((await operator.get('/api/hotline/callers/13799999999/cases')).json).toEqual([]);
    expect((await operator.get('/api/hotline/callers/<script>/cases')).status).toBe(400);
  });

  it('finds places over area names and the gazetteer the operators keep', async () => {
    const added = await operator.post('/api/hotline/gazetteer', {
      name: '滨江道步行街北口',
      aliases: '步行街 北口',
      ...point,
    });
    expect(added.status).toBe(201);
    expect(added.json.area_code).toMatch(/^120101002/);
    const found = (await operator.get(`/api/hotline/places?q=${encodeURIComponent('步行街')}`)).json as {
      kind: string;
      name: string;
    }[];
    expect(found[0]).toMatchObject({ kind: 'landmark', name: '滨江道步行街北口' });
    const streets = (await operator.get(`/api/hotline/places?q=${encodeURIComponent('街道')}`)).json as {
      kind: string;
    }[];
    expect(streets.some((p) => p.kind === 'street')).toBe(true);
    expect(
      (await operator.post('/api/hotline/gazetteer', { name: '北京某地', lon: 116.4, lat: 39.9 })).status,
    ).toBe(400);
  });

  it('answers consultations from the knowledge base, and a consultation closes on the call', async () => {
    const kb = (await operator.get(`/api/hotline/kb?q=${encodeURIComponent('垃圾分类')}`)).json as {
      question: string;
      answer: string;
      ownerUnitName: string;
    }[];
    expect(kb[0]).toMatchObject({ question: '垃圾分类投放时间', ownerUnitName: '和平区城市管理委员会' });
    const c = await operator.post('/api/cases', {
      categoryCode: 'request.0101',
      title: '咨询垃圾分类时间',
      ...point,
      reporter: { phone: '13700002222' },
    });
    const closed = await operator.post(`/api/cases/${c.json.id}/transitions`, {
      type: 'close',
      version: 1,
      answeredOnCall: true,
      note: kb[0]?.answer,
    });
    expect(closed.json.state).toBe('closed');
    expect(
      (
        await operator.post('/api/hotline/kb', {
          question: '受理员不能编辑知识库',
          answer: '这是越权写入的答案',
          ownerUnitId: c.json.id,
          reviewOn: '2027-01-01',
        })
      ).status,
    ).toBe(403);
  });
});
