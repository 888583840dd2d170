/**
 * Case exports (issue #16 part 3): CSV and XLSX of the case list with its filters, the caller's scope and
 * the reporter masked, one column per state reached; streamed in keyset pages with bounded memory.
 */
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { afterEach, beforeAll, expect, it, vi } from 'vitest';
import type { Principal } from '../../platform/auth/roles.js';
import { type Client, describeApi } from '../../testing/api.js';
import { wholeCellCentre } from '../../testing/grid-cells.js';
import { CaseListStore } from './case-list.store.js';
import { EXPORT_COLUMNS } from './export.service.js';

/** A CSV body as rows of cells (the export's own quoting: "…" with "" inside). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const body = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (quoted) {
      if (ch === '"' && body[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && body[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += ch;
  }
  return rows;
}

const col = (name: string) => EXPORT_COLUMNS.findIndex((c) => c.startsWith(name));

describeApi('cases API: CSV and XLSX exports', (ctx) => {
  let shiftLead: Client;
  let inspector: Client;
  let admin: Client;
  let grid: { code: string; lon: number; lat: number };
  let otherGrid: { code: string; lon: number; lat: number };
  let inA: { id: string; number: string };
  let filedA: { id: string; number: string };
  let inB: { id: string; number: string };

  beforeAll(async () => {
    shiftLead = await ctx().login('shift_lead');
    inspector = await ctx().login('inspector');
    admin = await ctx().login('admin');
    grid = await wholeCellCentre(ctx().store.db, '120101001');
    otherGrid = await wholeCellCentre(ctx().store.db, '120101002');
    const report = async (at: { lon: number; lat: number }, title: string) => {
      const res = await shiftLead.post('/api/cases', {
        categoryCode: 'event.0102',
        title,
        lon: at.lon,
        lat: at.lat,
        address: '=HYPERLINK("http://x")',
        reporter: { name: '王小明', phone: '13912345678' },
      });
      expect(res.status).toBe(201);
      return { id: res.json.id as string, number: res.json.number as string };
    };
    inA = await report(grid, '导出测试 甲, "引号"');
    filedA = await report(grid, '导出测试 乙');
    inB = await report(otherGrid, '导出测试 丙');
    expect(
      (await shiftLead.post(`/api/cases/${filedA.id}/transitions`, { type: 'file', version: 1 })).status,
    ).toBe(200);
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  const csv = async (c: Client, query: string) => {
    const res = await c.get(`/api/cases/export.csv?${query}`);
    expect(res.status, res.body as string).toBe(200);
    expect(String(res.headers['content-type'])).toContain('text/csv');
    return parseCsv(res.body as string);
  };

  it('exports the filtered list inside the caller’s scope, reporters masked, one column per state reached', async () => {
    const q = `q=${encodeURIComponent('导出测试')}`;
    const all = await csv(shiftLead, q);
    expect(all[0]).toEqual([...EXPORT_COLUMNS]);
    const numbers = all.slice(1).map((r) => r[0]);
    expect(numbers).toEqual(expect.arrayContaining([inA.number, filedA.number, inB.number]));
    // The inspector's scope is one street: the other street's case is not there.
    const mine = (await csv(inspector, q)).slice(1).map((r) => r[0]);
    expect(mine).toContain(inA.number);
    expect(mine).not.toContain(inB.number);
    // Filters as in GET /api/cases.
    const filed = (await csv(shiftLead, `${q}&state=filed`)).slice(1);
    expect(filed.map((r) => r[0])).toEqual([filedA.number]);
    const row = filed[0] as string[];
    expect(row[col('首次上报')]).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(row[col('首次立案')]).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(row[col('首次派遣')]).toBe('');
    // Masked exactly as the case detail answers; never in clear; formulas made inert.
    const detail = (await shiftLead.get(`/api/cases/${filedA.id}`)).json;
    expect(row[col('上报人')]).toBe(detail.reporter.name);
    expect(row[col('联系电话')]).toBe(detail.reporter.phone);
    expect(row[col('联系电话')]).toBe('139****5678');
    const body = (await shiftLead.get(`/api/cases/export.csv?${q}`)).body as string;
    expect(body).not.toContain('13912345678');
    expect(row[col('地址')]).toBe(`'=HYPERLINK("http://x")`);
    const quoted = all.find((r) => r[0] === inA.number) as string[];
    expect(quoted[col('标题')]).toBe('导出测试 甲, "引号"');
  });

  it('exports a selection by ids, refusing more than 1,000 and cases outside the scope', async () => {
    const sel = await csv(inspector, `ids=${inA.id},${inB.id}`);
    expect(sel.slice(1).map((r) => r[0])).toEqual([inA.number]);
    const many = Array.from(
      { length: 1001 },
      (_, i) => `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`,
    ).join(',');
    expect((await admin.get(`/api/cases/export.csv?ids=${many}`)).status).toBe(400);
    expect((await admin.get('/api/cases/export.csv?ids=not-a-uuid')).status).toBe(400);
  });

  it('exports the same rows as XLSX, with times as dates and text as text', async () => {
    const res = await shiftLead.get(`/api/cases/export.xlsx?q=${encodeURIComponent('导出测试')}`);
    expect(res.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.raw as unknown as ArrayBuffer);
    const ws = wb.worksheets[0];
    if (!ws) throw new Error('no worksheet');
    const header = (ws.getRow(1).values as unknown[]).slice(1);
    expect(header).toEqual([...EXPORT_COLUMNS]);
    const rows = [];
    for (let i = 2; i <= ws.rowCount; i++) rows.push((ws.getRow(i).values as unknown[]).slice(1));
    expect(rows.map((r) => r[0])).toEqual(expect.arrayContaining([inA.number, filedA.number, inB.number]));
    const a = rows.find((r) => r[0] === inA.number) as unknown[];
    expect(a[col('地址')]).toBe('=HYPERLINK("http://x")'); // a string cell, never a formula
    expect(a[col('联系电话')]).toBe('139****5678');
    expect(a[col('首次上报')]).toBeInstanceOf(Date);
  });

  it('streams a few thousand rows in keyset pages: every row once, bounded memory', async () => {
    const N = 3000;
    const db = ctx().store.db;
    // Seeded in SQL, many rows sharing a created_at, so the keyset must break ties by id.
    await sql`
      insert into cases (number, tracking_code, kind, category_code, state, source, title, area_code,
                         reporter, created_at, updated_at, last_hash)
      select 'EXP' || lpad(i::text, 6, '0'), 'EXPT' || lpad(i::text, 6, '0'), 'event', 'event.0102', 'reported',
             'staff', '压测导出 ' || i, ${grid.code}, '{"name":"李四","phone":"13700001111"}'::jsonb,
             timestamptz '2026-03-01T00:00:00Z' + ((i % 7) || ' minutes')::interval, now(), 'seed'
        from generate_series(1, ${N}) as i`.execute(db);
    await sql`
      insert into case_events (case_id, seq, type, to_state, at, actor_name, actor_role, prev_hash, hash)
      select id, 1, 'report', 'reported', created_at, 'seed', 'operator', 'seed', 'seed'
        from cases where number like 'EXP%'`.execute(db);
    const p: Principal = {
      userId: '00000000-0000-4000-8000-000000000000',
      username: 'export',
      displayName: 'export',
      roles: ['shift_lead'],
      unitId: null,
      scope: '120101',
      via: 'session',
      csrfToken: null,
      sessionId: null,
    };
    const pages = vi.spyOn(CaseListStore.prototype, 'exportPage');
    const pageSize = 200;
    const heapBefore = process.memoryUsage().heapUsed;
    let peak = heapBefore;
    const stream = await ctx().server.cases.exports.stream(p, { q: '压测导出' }, 'csv', { pageSize });
    let text = '';
    let first = true;
    for await (const chunk of stream) {
      if (first) {
        // The first bytes leave before the later pages are read.
        expect(pages.mock.calls.length).toBeLessThanOrEqual(2);
        first = false;
      }
      text += String(chunk);
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    }
    const rows = parseCsv(text).slice(1);
    expect(rows).toHaveLength(N);
    expect(new Set(rows.map((r) => r[0])).size).toBe(N);
    expect(rows.every((r) => r[col('联系电话')] === '137****1111')).toBe(true);
    expect(rows.every((r) => r[col('首次上报')] !== '')).toBe(true);
    // Page by page: N / pageSize full pages, and one more that finds the end.
    expect(pages.mock.calls.length).toBe(Math.ceil(N / pageSize) + 1);
    expect(pages.mock.calls.every((c) => c[4] === pageSize)).toBe(true);
    // Rough, but robust: the export itself (≈1 MB of text kept here by the test) adds far less than this.
    expect(peak - heapBefore).toBeLessThan(96 * 1024 * 1024);
  });
});
