/**
 * The leader's day in Chromium: logs in and lands on the dashboard (charts with their tables), opens a
 * figure and lands on exactly the cases behind it, opens a case by its public number, then the big
 * screen with its map canvas and figures — every page without a serious accessibility violation.
 */

import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoCases } from '../src/seed/demo-cases.js';
import { wholeCellCentre } from '../src/testing/grid-cells.js';
import { seriousViolations } from './axe.js';
import { browserAvailable, type E2E, startE2E } from './harness.js';

const run = browserAvailable() ? describe : describe.skip;

run('leader: dashboard → cases behind a figure → big screen (Chromium)', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
    // A morning's demo cases, one of them past its deadline (the clock cannot be moved from outside).
    await seedDemoCases(e2e.store.db, e2e.server.cases);
    await sql`update cases set due_at = now() - interval '3 hours' where id = (select id from cases where due_at is not null order by created_at limit 1)`.execute(
      e2e.store.db,
    );
  });
  afterAll(async () => {
    await e2e?.close();
  });

  it('sees the dashboard, opens a figure, opens a case by number, and the big screen', async () => {
    const { page, context } = await e2e.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await e2e.login(page, 'leader');
    // Roles that oversee land on the dashboard.
    await page.getByTestId('dashboard').waitFor();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/dashboard');
    await page.locator('[data-testid="chart-three-rates"] canvas').first().waitFor();
    await page.locator('[data-testid="chart-trend"] canvas').first().waitFor();
    // Each chart carries its figures as a table.
    expect(await page.locator('[data-testid="chart-three-rates"] table tbody tr').count()).toBe(3);
    expect(await page.locator('[data-testid="chart-trend"] table tbody tr').count()).toBe(30);
    await e2e.screenshot(page, 'leader-dashboard');
    expect(await seriousViolations(page)).toEqual([]);

    // The targets board (督查督办): the menu keeps its full width and labels, no serious violation.
    await page.getByRole('menuitem', { name: /督查督办/ }).click();
    await page.goto('/targets/board');
    await page.waitForLoadState('networkidle');
    await e2e.screenshot(page, 'leader-targets-board');
    const sider = await page.locator('.ant-layout-sider').boundingBox();
    expect(sider?.width).toBeGreaterThanOrEqual(200);
    const labels = await page.locator('.ant-menu-title-content').evaluateAll((els) =>
      // biome-ignore lint/suspicious/noExplicitAny: runs in the browser
      els.map((e: any) => e.scrollWidth <= e.clientWidth),
    );
    expect(labels.every(Boolean)).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
    await page.goto('/dashboard');
    await page.getByTestId('today-intake').waitFor();

    // Today's intake opens exactly the cases behind it.
    const intake = Number(
      (
        (await page.getByTestId('today-intake').locator('.ant-statistic-content-value').textContent()) ?? ''
      ).replace(/\D/g, ''),
    );
    expect(intake).toBeGreaterThan(0);
    await page.getByTestId('today-intake').click();
    await expect.poll(() => new URL(page.url()).searchParams.get('ids')?.split(',').length).toBe(intake);
    await page.waitForLoadState('networkidle');
    await e2e.screenshot(page, 'leader-cases-behind');
    await expect
      .poll(() => page.locator('.ant-table-tbody tr[data-row-key]').count(), { timeout: 15_000 })
      .toBe(Math.min(intake, 20));
    expect(await seriousViolations(page)).toEqual([]);

    // A case opens by its public number as well as by its id.
    const number = (
      await e2e.store.db.selectFrom('cases').select('number').orderBy('created_at').executeTakeFirstOrThrow()
    ).number;
    await page.goto(`/cases/${number}`);
    await page.getByText(number).first().waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    // An open incident of level Ⅱ, for the big screen's emergency layer.
    const cell = await wholeCellCentre(e2e.store.db, '120101001');
    const incident = await page.evaluate(async (p) => {
      const { csrfToken } = (await (await fetch('/api/auth/me')).json()) as { csrfToken: string };
      const res = await fetch('/api/emergency/incidents', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': csrfToken },
        body: JSON.stringify({
          title: '地下车库进水',
          type: 'natural_disaster',
          subtype: 'rainstorm',
          level: 2,
          lon: p.lon,
          lat: p.lat,
          description: '暴雨后地下车库进水',
        }),
      });
      return ((await res.json()) as { id: string }).id;
    }, cell);

    // The big screen, at its own size: map canvas, live figures, no scrolling.
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.goto('/screen');
    await page.getByTestId('screen').waitFor();
    await page.locator('[data-testid="screen-map"] canvas').waitFor();
    await page.waitForFunction(
      () => {
        const map = window.__wanggeMap;
        return !!map && map.loaded() && map.queryRenderedFeatures({ layers: ['grid-fill'] }).length > 0;
      },
      undefined,
      { timeout: 30_000 },
    );
    // The emergency layer: the incident in the list with its level, and as an orange dot on the map.
    await page.getByTestId(`screen-incident-${incident}`).getByText('Ⅱ级').waitFor();
    await page.waitForFunction(
      () => (window.__wanggeMap?.queryRenderedFeatures({ layers: ['incident-dot'] }).length ?? 0) > 0,
      undefined,
      { timeout: 30_000 },
    );
    const shown = Number(((await page.getByTestId('kpi-intake').textContent()) ?? '').replace(/\D/g, ''));
    expect(shown).toBe(intake);
    for (const id of ['chart-daily', 'chart-monthly', 'chart-top'])
      await page.locator(`[data-testid="${id}"] canvas`).first().waitFor();
    expect(await page.locator('[data-testid="chart-daily"] table tbody tr').count()).toBe(30);
    expect(await page.locator('[data-testid="chart-monthly"] table tbody tr').count()).toBe(12);
    const overflow = await page.evaluate(() => {
      // biome-ignore lint/suspicious/noExplicitAny: runs in the browser, where the DOM exists
      const w = window as any;
      const root = w.document.documentElement;
      return { h: root.scrollHeight - w.innerHeight, w: root.scrollWidth - w.innerWidth };
    });
    expect(overflow).toEqual({ h: 0, w: 0 });
    await e2e.screenshot(page, 'big-screen');
    expect(await seriousViolations(page)).toEqual([]);
    // The table toggle shows the figures in place of the charts.
    await page.getByRole('button', { name: /以表格显示|Show as tables/ }).click();
    await page.getByTestId('map-table').waitFor({ state: 'visible' });
    expect(errors).toEqual([]);
    await context.close();
  }, 240_000);
});
