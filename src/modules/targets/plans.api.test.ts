import ExcelJS from 'exceljs';
import { expect, it } from 'vitest';
import { type Client, describeApi, multipart } from '../../testing/api.js';

const PLAN = [
  '示范区国民经济和社会发展第十四个五年规划纲要',
  '一、主要目标',
  '到2025年，全区新增就业岗位5万个，建成口袋公园20个。',
  '专栏1 “十四五”时期经济社会发展主要指标',
  '序号\t指标\t单位\t2020年\t2025年\t属性',
  '1\t地区生产总值年均增长\t%\t—\t6\t预期性',
  '2\t常住人口\t万人\t35\t40\t预期性',
  '3\t单位地区生产总值能耗\t吨标准煤/万元\t0.5\t0.4\t约束性',
  '4\t森林覆盖率\t%\t12\t13\t约束性',
  '',
  '二、重点任务',
].join('\n');

describeApi(
  'targets API: five-year plan indicators (规划年度监测) and corrections as labelled data',
  (ctx) => {
    let supervisor: Client;
    let handler: Client;
    let planId: string;
    let indicators: Array<{ id: string; name: string }>;

    async function documents(): Promise<number> {
      return (await supervisor.get('/api/targets/documents')).json.length;
    }

    it('imports a plan: every indicator row with 约束性/预期性, and its prose targets', async () => {
      supervisor = await ctx().login('supervisor');
      handler = await ctx().login('handler');
      const res = await supervisor.post('/api/targets/plans', { title: '“十四五”规划纲要', text: PLAN });
      expect(res.status, JSON.stringify(res.json)).toBe(201);
      planId = res.json.document.id;
      indicators = res.json.indicators;
      expect(res.json.document.kind).toBe('five_year_plan');
      expect(
        res.json.indicators.map((i: { name: string; binding: boolean }) => `${i.name}:${i.binding}`),
      ).toEqual([
        '地区生产总值年均增长:false',
        '常住人口:false',
        '单位地区生产总值能耗:true',
        '森林覆盖率:true',
      ]);
      expect(res.json.indicators[1]).toMatchObject({
        unit: '万人',
        baseYear: 2020,
        baseValue: 35,
        targetYear: 2025,
        targetValue: 40,
        actuals: [],
        latest: null,
      });
      // the prose targets (5万个, 20个) become proposed items; the table's figures do not
      expect(res.json.proseTargets).toBe(2);
      const detail = await supervisor.get(`/api/targets/documents/${planId}`);
      expect(detail.json.targets.map((t: { value: number }) => t.value)).toEqual([5, 20]);
    });

    it('refuses a plan whose table lacks columns or rows, or has no table, and imports nothing', async () => {
      const before = await documents();
      const noAttribute = await supervisor.post('/api/targets/plans', {
        title: '缺列',
        text: '指标\t单位\t2020年\t2025年\n常住人口\t万人\t35\t40',
      });
      expect([noAttribute.status, noAttribute.json.error.code]).toEqual([400, 'plan_table_columns']);
      expect(noAttribute.json.error.message).toContain('属性');
      const broken = await supervisor.post('/api/targets/plans', {
        title: '缺值',
        text: '指标\t单位\t2020年\t2025年\t属性\n常住人口\t万人\t35\t40\t预期性\n森林覆盖率\t%\t12\t\t约束性',
      });
      expect([broken.status, broken.json.error.code]).toEqual([400, 'plan_table_rows']);
      expect(broken.json.error.message).toContain('第3行');
      const prose = await supervisor.post('/api/targets/plans', {
        title: '无表',
        text: '到2025年，地区生产总值年均增长6%。',
      });
      expect([prose.status, prose.json.error.code]).toEqual([400, 'plan_table_not_found']);
      const pdf = multipart('plan.pdf', Buffer.from('%PDF-1.4\n%scan'), 'application/pdf');
      const scanned = await supervisor.request('POST', '/api/targets/plans/upload', pdf.payload, pdf.headers);
      expect([scanned.status, scanned.json.error.code]).toEqual([400, 'pdf_not_supported']);
      expect(await documents()).toBe(before);
    });

    it('imports a plan uploaded as text', async () => {
      const file = multipart('十四五规划.txt', Buffer.from(PLAN), 'text/plain');
      const res = await supervisor.request('POST', '/api/targets/plans/upload', file.payload, file.headers);
      expect(res.status, JSON.stringify(res.json)).toBe(201);
      expect(res.json.document.title).toBe('十四五规划');
      expect(res.json.indicators).toHaveLength(4);
    });

    it('records actuals with their source and reads each indicator against the straight path', async () => {
      const [growth, people, energy, forest] = indicators.map((i) => i.id) as [
        string,
        string,
        string,
        string,
      ];
      const put = (id: string, year: number, body: unknown) =>
        supervisor.request('PUT', `/api/targets/plan-indicators/${id}/actuals/${year}`, body);
      for (const [id, year, value] of [
        [growth, 2021, 6.8],
        [growth, 2022, 5.1],
        [people, 2021, 36],
        [people, 2022, 37.1],
        [energy, 2022, 0.47],
        [forest, 2022, 13.2],
      ] as const) {
        const r = await put(id, year, {
          value,
          source: 'statistical_bulletin',
          sourceNote: `${year}年统计公报`,
        });
        expect(r.status, JSON.stringify(r.json)).toBe(200);
      }
      // a second record for the same year replaces the first, with its new source
      const again = await put(people, 2022, { value: 37, source: 'department', sourceNote: '区统计局' });
      expect(again.json).toMatchObject({ year: 2022, value: 37, source: 'department' });
      const review = await supervisor.get(`/api/targets/plans/${planId}/review?year=2022`);
      expect(review.status).toBe(200);
      const status = (
        review.json.indicators as Array<{ name: string; latest: { status: string } | null }>
      ).map((i) => `${i.name}:${i.latest?.status}`);
      // growth 5.1 < 6 → behind; people 37 = path (35 + 2×1) → on path; energy 0.47 vs 0.46 → behind;
      // forest 13.2 ≥ 13 → met
      expect(status).toEqual([
        '地区生产总值年均增长:behind',
        '常住人口:on_path',
        '单位地区生产总值能耗:behind',
        '森林覆盖率:met',
      ]);
      const in2021 = await supervisor.get(`/api/targets/plans/${planId}/review?year=2021`);
      expect(in2021.json.indicators[0].latest).toMatchObject({ year: 2021, value: 6.8, status: 'ahead' });
      expect(in2021.json.indicators[2].latest).toBeNull();
      // leaders read the review
      expect((await (await ctx().login('leader')).get(`/api/targets/plans/${planId}/review`)).status).toBe(
        200,
      );
    });

    it('refuses an actual outside the plan, for a year not over, or from a handler, changing nothing', async () => {
      const id = indicators[1]!.id;
      const body = { value: 38, source: 'statistical_bulletin', sourceNote: '' };
      const outside = await supervisor.request(
        'PUT',
        `/api/targets/plan-indicators/${id}/actuals/2019`,
        body,
      );
      expect([outside.status, outside.json.error.code]).toEqual([400, 'plan_year_outside']);
      const thisYear = new Date().getUTCFullYear();
      if (thisYear <= 2025) {
        const early = await supervisor.request(
          'PUT',
          `/api/targets/plan-indicators/${id}/actuals/${thisYear}`,
          body,
        );
        expect([early.status, early.json.error.code]).toEqual([400, 'plan_year_not_due']);
      }
      const badSource = await supervisor.request('PUT', `/api/targets/plan-indicators/${id}/actuals/2023`, {
        value: 38,
        source: 'rumour',
      });
      expect(badSource.status).toBe(400);
      const forbidden = await handler.request('PUT', `/api/targets/plan-indicators/${id}/actuals/2023`, body);
      expect(forbidden.status).toBe(403);
      const review = await supervisor.get(`/api/targets/plans/${planId}/review?year=2025`);
      expect(review.json.indicators[1].actuals.map((a: { year: number }) => a.year)).toEqual([2021, 2022]);
      const notPlan = await supervisor.get('/api/targets/documents');
      const report = (notPlan.json as Array<{ id: string; kind: string }>).find(
        (d) => d.kind !== 'five_year_plan',
      );
      if (report) {
        const r = await supervisor.get(`/api/targets/plans/${report.id}/review`);
        expect([r.status, r.json.error.code]).toEqual([404, 'five_year_plan_not_found']);
      }
    });

    it('exports the mid-term review as XLSX', async () => {
      const res = await supervisor.get(`/api/targets/plans/${planId}/review.xlsx?year=2022`);
      expect(res.status).toBe(200);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(res.raw as unknown as ArrayBuffer);
      const ws = wb.getWorksheet('中期评估')!;
      const header = (ws.getRow(1).values as unknown[]).slice(1);
      expect(header).toContain('2021年实际 actual');
      expect(header).toContain('状态 status');
      const forest = (ws.getRow(5).values as unknown[]).slice(1);
      expect(forest).toEqual(expect.arrayContaining(['森林覆盖率', '约束性', 13.2, '已实现']));
      const people = (ws.getRow(3).values as unknown[]).slice(1);
      expect(people).toEqual(expect.arrayContaining(['常住人口', 36, 37, '符合进度', '部门数据 区统计局']));
    });

    it('keeps a reviewer’s corrections and exports them as labelled data in the eval schema', async () => {
      const doc = await supervisor.post('/api/targets/documents', {
        title: '纠错样本',
        year: 2025,
        text: '二、2025年主要目标任务\n新增就业2万人，改造老旧小区12个，开展“百日攻坚”行动。',
      });
      expect(doc.status).toBe(201);
      const items = doc.json.targets as Array<{
        id: string;
        value: number;
        rule: string;
        sentence: string;
        corrected: boolean;
      }>;
      expect(
        items.every((i) => i.rule.startsWith('kind:') && i.sentence.includes('新增就业') && !i.corrected),
      ).toBe(true);
      const text: string = doc.json.text;
      // edit one, drop nothing, add one the extractor did not propose (a hand label), accept the rest
      const edited = await supervisor.patch(`/api/targets/items/${items[0]!.id}`, {
        indicator: '城镇新增就业',
      });
      expect(edited.json.corrected).toBe(true);
      const start = text.indexOf('百日攻坚');
      const added = await supervisor.post(`/api/targets/documents/${doc.json.id}/items`, {
        start,
        end: start + 4,
        kind: 'target',
        indicator: '攻坚行动',
        value: 100,
        unit: '日',
      });
      expect(added.status, JSON.stringify(added.json)).toBe(201);
      expect(added.json).toMatchObject({
        rule: 'manual',
        corrected: true,
        status: 'accepted',
        quote: '百日攻坚',
      });
      const outside = await supervisor.post(`/api/targets/documents/${doc.json.id}/items`, {
        start: 0,
        end: text.length + 5,
        kind: 'target',
        indicator: 'x',
        value: 1,
        unit: '',
      });
      expect([outside.status, outside.json.error.code]).toEqual([400, 'quote_outside']);
      await supervisor.post(`/api/targets/documents/${doc.json.id}/accept-all`, {});
      const labels = await supervisor.get(`/api/targets/documents/${doc.json.id}/labels.jsonl?doc=900`);
      expect(labels.status).toBe(200);
      const rows = labels.raw
        .toString('utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(rows).toHaveLength(items.length + 1);
      expect(rows[0]).toEqual({
        doc: '900',
        kind: 'target',
        indicator: '城镇新增就业',
        measure: '新增',
        value: 2,
        value_max: null,
        unit: '万人',
        period: expect.anything(),
        quote: '新增就业2万人',
      });
      expect(rows.map((r: { quote: string }) => r.quote)).toContain('百日攻坚');
    });
  },
);
