/**
 * The field app offline: a grid worker reports with photo and GPS while the phone has no network; the
 * report waits on the device; when the network returns it syncs — and even when the first answer is
 * lost on the way back, the resend with the same idempotency key makes exactly one case.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wholeCellCentre } from '../src/testing/grid-cells.js';
import { browserAvailable, type E2E, startE2E } from './harness.js';

const run = browserAvailable() ? describe : describe.skip;

run('field app for grid workers (Chromium, offline)', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
  });
  afterAll(async () => {
    await e2e?.close();
  });

  it('reports while offline, shows it waiting, syncs when online, one case despite a lost answer', async () => {
    const cell = await wholeCellCentre(e2e.store.db, '120101001');
    const { page, context } = await e2e.newPage({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      geolocation: { latitude: cell.lat, longitude: cell.lon, accuracy: 6 },
      permissions: ['geolocation'],
    });
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await e2e.login(page, 'inspector');
    await page.getByTestId('current-user').waitFor();
    await page.goto('/field');
    await page.getByTestId('sync-state').getByText('已全部同步').waitFor();
    await page.getByText('任务 (').waitFor();

    // The network goes away; the worker reports anyway.
    await context.setOffline(true);
    await page.getByTestId('sync-state').getByText('离线').waitFor();
    await page.getByTestId('field-category').click();
    await page.keyboard.type('暴露垃圾');
    await page.keyboard.press('Enter');
    await page.getByTestId('field-locate').click();
    await page.getByTestId('field-fix').getByText('精度 6 米').waitFor();
    const photo = await sharp({ create: { width: 1600, height: 1200, channels: 3, background: '#7a5' } })
      .jpeg()
      .toBuffer();
    await page
      .getByTestId('field-photo')
      .setInputFiles({ name: 'camera.jpg', mimeType: 'image/jpeg', buffer: photo });
    await page.locator('img[src^="data:image/jpeg"]').waitFor();
    await page.getByTestId('field-note').fill('离线上报：楼道口暴露垃圾');
    await page.getByTestId('field-submit').click();
    await page.getByTestId('sync-state').getByText('1 条待同步').waitFor();
    const made = () =>
      e2e.store.db.selectFrom('cases').select(['id']).where('title', 'like', '离线上报%').execute();
    expect(await made()).toHaveLength(0);
    await e2e.screenshot(page, 'field-1-offline');

    // Back online — but the server's first answer is lost on the way back to the phone.
    let lost = false;
    await page.route('**/api/cases', async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      const response = await route.fetch();
      if (!lost) {
        lost = true;
        return route.abort('connectionreset');
      }
      return route.fulfill({ response });
    });
    await context.setOffline(false);
    await expect.poll(() => lost, { timeout: 30_000 }).toBe(true);
    expect(await made()).toHaveLength(1); // the server made it; the phone does not know yet
    await page.getByTestId('sync-state').getByText('1 条待同步').waitFor();
    await page.getByRole('tab', { name: /待同步/ }).click();
    await page.getByRole('button', { name: '立即同步' }).click();
    await page.getByTestId('sync-state').getByText('已全部同步').waitFor();
    const cases = await made();
    expect(cases).toHaveLength(1);
    const report = await e2e.store.db
      .selectFrom('case_events')
      .select(['evidence'])
      .where('case_id', '=', cases[0]?.id ?? '')
      .where('seq', '=', 1)
      .executeTakeFirstOrThrow();
    expect(report.evidence).toHaveLength(1);
    await e2e.screenshot(page, 'field-2-synced');
    expect(errors).toEqual([]);
    await context.close();
  }, 180_000);
});
