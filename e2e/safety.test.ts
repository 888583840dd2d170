/**
 * 安全生产 in the browser, from the draw to 销号: the supervisor creates a 双随机 plan with a published
 * seed and draws it; the inspector, on the field app, finds a hazard at the drawn place and enters the
 * result with a photo while offline — it waits in the outbox and is sent when the network returns; the hazard appears on the console and goes through
 * assignment, rectification, the application for closing, the re-check and 销号; the public page shows
 * the plan, its seed and the result.
 */

import ExcelJS from 'exceljs';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../src/platform/auth/roles.js';
import { DEMO_PASSWORD } from '../src/seed/demo.js';
import { wholeCellCentres } from '../src/testing/grid-cells.js';
import { browserAvailable, type E2E, pickOption, startE2E } from './harness.js';

const run = browserAvailable() ? describe : describe.skip;
const SEED = 'e2e-published-seed-2026-12';

/** A logged-in API client of the running server (cookie + CSRF), for setup the test is not about. */
async function apiAs(baseUrl: string, username: string) {
  const res = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: DEMO_PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status}`);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return async (method: string, path: string, body?: unknown) => {
    const r = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await r.json()) as Record<string, unknown>;
    if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(json)}`);
    return json;
  };
}

run('safety: from the draw to a closed hazard (Chromium)', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
    // Three places of street 120101001 in the registry, registered through the service as the administrator.
    const admin = await e2e.store.db
      .selectFrom('users')
      .select(['id', 'unit_id'])
      .where('username', '=', 'admin')
      .executeTakeFirstOrThrow();
    const p: Principal = {
      userId: admin.id,
      username: 'admin',
      displayName: 'admin',
      roles: ['admin'],
      unitId: admin.unit_id,
      scope: '',
      via: 'session',
      csrfToken: null,
      sessionId: null,
    };
    const cells = await wholeCellCentres(e2e.store.db, '120101001');
    for (const [i, name] of ['劝业场饭店', '滨江商厦', '和平加油站'].entries()) {
      const at = cells[i];
      if (!at) throw new Error('not enough grid cells');
      await e2e.server.safety.registry.create(p, {
        name,
        creditCode: null,
        address: `和平路${i + 1}号`,
        lon: at.lon,
        lat: at.lat,
        industry: '餐饮',
        riskGrade: i === 0 ? 'high' : 'medium',
        contacts: [],
        lastInspectedOn: null,
      });
    }
  });
  afterAll(async () => {
    await e2e?.close();
  });

  it('draws a plan, records a finding in the field, and closes the hazard through re-check and 销号', async () => {
    // ---- the supervisor creates and draws the plan ----
    const sup = await e2e.newPage();
    const errors: string[] = [];
    sup.page.on('pageerror', (err) => errors.push(err.message));
    await e2e.login(sup.page, 'supervisor');
    await sup.page.getByTestId('current-user').waitFor();
    await sup.page.goto('/safety/plans');
    await sup.page.getByTestId('plan-new').click();
    await sup.page.getByTestId('plan-title').fill('2026年12月餐饮单位双随机抽查');
    await sup.page.getByTestId('plan-area').fill('120101001');
    await sup.page.getByTestId('plan-count').fill('1');
    await sup.page.getByTestId('plan-roster').fill('inspector, 网格员, 网格中心\nr9, 丁, 消防救援大队');
    await sup.page.getByTestId('plan-seed').fill(SEED);
    const created = sup.page.waitForResponse(
      (r) => r.url().endsWith('/api/safety/plans') && r.request().method() === 'POST',
    );
    await sup.page.locator('.ant-modal-footer .ant-btn-primary').click();
    expect((await created).status()).toBe(201);
    await sup.page.getByTestId('plan-seed-shown').getByText(SEED).waitFor();
    const planId = sup.page.url().split('/').pop() as string;
    const drawn = sup.page.waitForResponse((r) => r.url().endsWith('/draw'));
    await sup.page.getByTestId('plan-draw').click();
    expect((await drawn).status()).toBe(200);
    await sup.page.getByTestId('plan-targets').getByText('网格员（网格中心）').waitFor();
    await sup.page.getByText(`wangge safety draw --replay ${planId}`).waitFor();
    await e2e.screenshot(sup.page, 'safety-1-drawn');
    // Anyone re-running the draw from the stored seed, pool and roster gets the same targets.
    expect((await e2e.server.safety.inspections.replay(planId)).matches).toBe(true);
    const [target] = await e2e.store.db
      .selectFrom('inspection_targets')
      .innerJoin('safety_places', 'safety_places.id', 'inspection_targets.place_id')
      .select(['inspection_targets.id', 'safety_places.name'])
      .where('plan_id', '=', planId)
      .execute();
    if (!target) throw new Error('no target drawn');

    // ---- the inspector enters the result on the field app, with a photo, through the outbox ----
    const field = await e2e.newPage({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    field.page.on('pageerror', (err) => errors.push(err.message));
    await e2e.login(field.page, 'inspector');
    await field.page.getByTestId('current-user').waitFor();
    await field.page.goto('/field');
    await field.page.getByRole('tab', { name: /检查对象（1）/ }).click();
    const list = field.page.getByTestId('field-inspections');
    await list.getByText(target.name).waitFor();
    await list.getByTestId('field-target-enter').click();
    await pickOption(field.page, 'result-kind', '发现隐患', { type: true });
    await field.page.getByTestId('finding-class').fill('消防');
    await field.page.getByTestId('finding-description').fill('安全出口被杂物堵塞');
    const photo = await sharp({ create: { width: 800, height: 600, channels: 3, background: '#a33' } })
      .jpeg()
      .toBuffer();
    await field.page
      .getByTestId('field-result-photo')
      .setInputFiles({ name: 'exit.jpg', mimeType: 'image/jpeg', buffer: photo });
    await field.page.locator('img[src^="data:image/jpeg"]').waitFor();
    // The network goes away before the result is sent: it waits on the device.
    await field.context.setOffline(true);
    await field.page.getByTestId('sync-state').getByText('离线').waitFor();
    await field.page.getByTestId('field-result-submit').click();
    await list.getByText('待上传').waitFor();
    await field.page.getByTestId('sync-state').getByText('1 条待同步').waitFor();
    expect(
      await e2e.store.db
        .selectFrom('inspection_targets')
        .select('result')
        .where('id', '=', target.id)
        .executeTakeFirstOrThrow(),
    ).toEqual({ result: null });
    // Back online, the outbox sends it (photo first, then the result with its idempotency key).
    const sent = field.page.waitForResponse((r) => r.url().endsWith(`/targets/${target.id}/result`));
    await field.context.setOffline(false);
    expect((await sent).status()).toBe(200);
    await list.getByText('发现隐患').waitFor();
    await field.page.getByTestId('sync-state').getByText('已全部同步').waitFor();
    await e2e.screenshot(field.page, 'safety-2-field');
    const hazards = await e2e.store.db
      .selectFrom('hazards')
      .select(['id', 'photos', 'found_by', 'state'])
      .where('inspection_target_id', '=', target.id)
      .execute();
    expect(hazards).toHaveLength(1);
    const hazard = hazards[0] as (typeof hazards)[number];
    expect(hazard.photos).toHaveLength(1);
    expect(hazard.found_by).toBe('inspection');

    // ---- the supervisor takes the hazard from registration to 销号 ----
    await sup.page.goto('/safety/hazards');
    await sup.page.getByTestId('hazard-table').getByRole('link', { name: '安全出口被杂物堵塞' }).click();
    const state = sup.page.getByTestId('hazard-state');
    await state.getByText('已登记').waitFor();
    const step = async (action: string, expected: string, fill?: () => Promise<void>) => {
      const answered = sup.page.waitForResponse((r) => r.url().endsWith('/transitions'));
      await sup.page.getByTestId(`hazard-act-${action}`).click();
      if (fill) {
        await fill();
        await sup.page.locator('.ant-modal-footer .ant-btn-primary').click();
      }
      expect((await answered).status()).toBe(200);
      await state.getByText(expected).waitFor();
    };
    // Closing before the re-check is not offered: the server lists only what the state allows.
    expect(await sup.page.getByTestId('hazard-act-close').count()).toBe(0);
    await step('assign', '已交办', () =>
      pickOption(sup.page, 'hazard-unit', '和平区城市管理委员会', { type: true }),
    );
    await step('start', '整改中');
    await step('apply', '申请销号', () => sup.page.getByTestId('hazard-note').fill('杂物已清理，出口畅通'));
    await step('recheck', '已复查', () => sup.page.getByTestId('hazard-note').fill('现场复查，整改到位'));
    await step('close', '已销号');
    const timeline = sup.page.getByTestId('hazard-timeline');
    for (const e of ['登记', '交办', '开始整改', '申请销号', '复查', '销号'])
      await timeline.getByText(e, { exact: true }).first().waitFor();
    await sup.page.getByText('时间线哈希链完整').waitFor();
    // The photo taken in the field is shown (through the hazard's own photo route, scoped like the hazard).
    const img = sup.page.locator('img[src*="/photos/"]').first();
    await expect
      .poll(() => img.evaluate((i) => (i as unknown as { naturalWidth: number }).naturalWidth))
      .toBeGreaterThan(0);
    await e2e.screenshot(sup.page, 'safety-3-closed');
    const closed = await e2e.store.db
      .selectFrom('hazards')
      .select(['state', 'closed_at'])
      .where('id', '=', hazard.id)
      .executeTakeFirstOrThrow();
    expect(closed.state).toBe('closed');
    expect(closed.closed_at).not.toBeNull();

    // ---- 一公开: the public page shows the plan, its seed and the result, to anyone ----
    const pub = await e2e.newPage();
    await pub.page.goto(`/portal/safety/${planId}`);
    await pub.page.getByTestId('public-seed').getByText(SEED).waitFor();
    await pub.page.getByTestId('public-targets').getByText(target.name).waitFor();
    await pub.page.getByTestId('public-result').getByText('发现隐患').waitFor();
    expect(await pub.page.content()).not.toContain('安全出口被杂物堵塞'); // findings stay internal
    await e2e.screenshot(pub.page, 'safety-4-public');

    expect(errors).toEqual([]);
    await Promise.all([sup.context.close(), field.context.close(), pub.context.close()]);
  });

  it('turns a grid worker’s report in a safety category into a hazard from the case page, without retyping', async () => {
    const call = await apiAs(e2e.baseUrl, 'inspector');
    const categories = (await call('GET', '/api/categories')) as unknown as { code: string; name: string }[];
    const hydrant = categories.find((c) => c.name === '消防栓');
    if (!hydrant) throw new Error('no 消防栓 category');
    const [cell] = await wholeCellCentres(e2e.store.db, '120101001');
    if (!cell) throw new Error('no grid cell');
    const c = await call('POST', '/api/cases', {
      categoryCode: hydrant.code,
      title: '消防栓被圈占',
      description: '饭店门前消防栓被杂物圈占，无法取水',
      lon: cell.lon,
      lat: cell.lat,
    });
    const { page, context } = await e2e.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await e2e.login(page, 'supervisor');
    await page.getByTestId('current-user').waitFor();
    await page.goto(`/cases/${c.id}`);
    await page.getByTestId('case-to-hazard').click();
    await page.getByTestId('from-case-found').getByText('消防栓被圈占').waitFor();
    await pickOption(page, 'hazard-place', '劝业场饭店', { type: true });
    await page.getByTestId('hazard-class').fill('消防');
    const made = page.waitForResponse((r) => r.url().endsWith('/api/safety/hazards/from-case'));
    await page.locator('.ant-modal-footer .ant-btn-primary').click();
    expect((await made).status()).toBe(201);
    await page.getByTestId('hazard-state').getByText('已登记').waitFor();
    await page.getByText('饭店门前消防栓被杂物圈占，无法取水').waitFor();
    await page.getByText('群众举报').or(page.getByText('监督检查')).first().waitFor();
    const h = await e2e.store.db
      .selectFrom('hazards')
      .select(['case_id', 'description'])
      .where('case_id', '=', String(c.id))
      .executeTakeFirstOrThrow();
    expect(h.description).toContain('无法取水');
    await e2e.screenshot(page, 'safety-5-from-case');

    // The registry: a workbook with a bad row is refused whole, and the report names the row and why.
    await page.goto('/safety');
    await page.getByTestId('registry-table').getByText('劝业场饭店').waitFor();
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('registry');
    ws.addRow(['名称', '统一社会信用代码', '地址', '经度', '纬度', '网格', '行业', '风险等级']);
    ws.addRow(['坏代码公司', '91350100M000100Y44', '', cell.lon, cell.lat, '', '餐饮', '一般']);
    ws.addRow(['好公司', '', '', cell.lon, cell.lat, '', '餐饮', '低']);
    const refused = page.waitForResponse((r) => r.url().endsWith('/api/safety/places/import'));
    await page.locator('input[type=file]').setInputFiles({
      name: 'registry.xlsx',
      mimeType: 'application/octet-stream',
      buffer: Buffer.from(await wb.xlsx.writeBuffer()),
    });
    expect((await refused).status()).toBe(400);
    await page.getByTestId('import-report').getByText('第 2 行').waitFor();
    expect(await page.getByTestId('registry-table').getByText('好公司').count()).toBe(0);
    // Maps of the registry and of the hazards draw (WebGL through SwiftShader).
    await page.getByText('地图', { exact: true }).click();
    await page.locator('[data-testid=safety-map] canvas').waitFor();
    await page.goto('/safety/hazards');
    await page.getByTestId('hazard-view').getByText('看板').click();
    await page.getByTestId('hazard-board').getByText('消防栓被圈占').waitFor();
    await page.getByTestId('hazard-view').getByText('地图').click();
    await page.locator('[data-testid=safety-map] canvas').waitFor();
    await e2e.screenshot(page, 'safety-6-map');
    expect(errors).toEqual([]);
    await context.close();
  });
});
