/**
 * The citizen portal without the map: a place named through the place search (gazetteer, streets,
 * communities, grids) is enough to report; and the portal's pages have no serious accessibility violation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from './axe.js';
import { browserAvailable, type E2E, startE2E } from './harness.js';

const run = browserAvailable() ? describe : describe.skip;

run('citizen portal: report by place name, accessible (Chromium, phone screen)', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
  });
  afterAll(async () => {
    await e2e?.close();
  });

  it('finds the place by name, reports it without touching the map, and passes axe', async () => {
    // A community the place search finds (its point lies inside it).
    const communities = await e2e.store.db
      .selectFrom('areas')
      .select(['code', 'name'])
      .where('level', '=', 'community')
      .where('geometry', 'is not', null)
      .orderBy('code')
      .limit(5)
      .execute();
    let community: { code: string; name: string } | undefined;
    for (const c of communities) {
      const res = await fetch(`${e2e.baseUrl}/api/public/places?q=${encodeURIComponent(c.name)}`);
      const hits = (await res.json()) as { kind: string; name: string }[];
      if (hits.some((h) => h.kind === 'community' && h.name === c.name)) {
        community = c;
        break;
      }
    }
    if (!community) throw new Error('no community found by the place search');
    const { page, context } = await e2e.newPage({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto('/portal');
    await page.getByTestId('portal-service').waitFor();
    // Let the map settle before axe reads the page.
    await page.waitForFunction(() => window.__wanggeMap?.loaded(), undefined, { timeout: 30_000 });
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByTestId('portal-service').click();
    await page.keyboard.type('暴露垃圾');
    await page.keyboard.press('Enter');
    await page.getByLabel(/输入地址、地名|address or place name/).fill(community.name);
    // The dropdown's visible item (antd keeps a hidden listbox for screen readers beside it).
    await page.locator('.ant-select-item-option').filter({ hasText: community.name }).first().click();
    const point = (await page.getByTestId('portal-point').textContent()) ?? '';
    expect(point).toContain(community.name);
    await page.getByTestId('portal-description').fill('社区门口垃圾堆放三天无人清运');
    await page.getByTestId('portal-submit').click();
    const code = (await page.getByTestId('tracking-code').textContent()) ?? '';
    expect(code).toMatch(/^[A-Z2-9]{10}$/);
    // The case lies in the named community.
    const row = await e2e.store.db
      .selectFrom('cases')
      .select('area_code')
      .where('tracking_code', '=', code)
      .executeTakeFirstOrThrow();
    expect(row.area_code.startsWith(community.code)).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
    await e2e.screenshot(page, 'portal-by-place-name');
    expect(errors).toEqual([]);
    await context.close();
  }, 180_000);
});
