/**
 * The field app offline: a grid worker reports with photo and GPS while the phone has no network; the
 * report waits on the device; when the network returns it syncs — and even when the first answer is
 * lost on the way back, the resend with the same idempotency key makes exactly one case. A lone smoke
 * alarm waits in the alarm tab (报警核查); the worker confirms it through the outbox, the first answer is
 * lost, and the resend still opens exactly one incident.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sign } from '../src/modules/channels/device-signature.js';
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

  it('confirms an alarm to check from the alarm tab: one incident despite a lost answer', async () => {
    const secret = 'whsec_e2e-field-alarm-secret-00000000000000000';
    await e2e.store.db.updateTable('devices').set({ secret }).where('id', '=', 'SMK-HP-0001').execute();
    const raw = JSON.stringify({ messageId: 'field-e2e-1', type: 'smoke', time: new Date().toISOString() });
    const ts = Math.floor(Date.now() / 1000);
    const sent = await fetch(`${e2e.baseUrl}/api/devices/alarms`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-wangge-device': 'SMK-HP-0001',
        'x-wangge-timestamp': String(ts),
        'x-wangge-signature': sign(secret, ts, raw),
      },
      body: raw,
    });
    const alarm = (await sent.json()) as { outcome: string; alarmId: string };
    expect(alarm.outcome).toBe('to_check');
    const { page, context } = await e2e.newPage({ viewport: { width: 390, height: 844 }, isMobile: true });
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await e2e.login(page, 'inspector');
    await page.getByTestId('current-user').waitFor();
    await page.goto('/field');
    await page.getByRole('tab', { name: /报警 \(1\)/ }).click();
    const item = page.getByTestId(`field-alarm-${alarm.alarmId}`);
    await item.getByText('劝业场街道老旧小区烟感').waitFor();
    let lost = false;
    await page.route('**/api/emergency/alarms/*/check', async (route) => {
      const response = await route.fetch();
      if (!lost) {
        lost = true;
        return route.abort('connectionreset');
      }
      return route.fulfill({ response });
    });
    await item.getByRole('textbox').fill('三楼楼道有烟，确认起火');
    await item.getByRole('button', { name: '核查属实' }).click();
    await expect.poll(() => lost, { timeout: 30_000 }).toBe(true);
    const incidents = () =>
      e2e.store.db
        .selectFrom('emergency_alarms')
        .select(['status', 'incident_id'])
        .where('id', '=', alarm.alarmId)
        .executeTakeFirstOrThrow();
    expect((await incidents()).status).toBe('confirmed'); // done on the server; the phone does not know yet
    await e2e.screenshot(page, 'field-3-alarm-queued');
    await page.getByRole('tab', { name: /待同步/ }).click();
    await page.getByRole('button', { name: '立即同步' }).click();
    await page.getByTestId('sync-state').getByText('已全部同步').waitFor();
    await page.getByRole('tab', { name: /报警 \(0\)/ }).waitFor();
    const opened = await e2e.store.db
      .selectFrom('emergency_incidents')
      .select('id')
      .where('description', '=', '三楼楼道有烟，确认起火')
      .execute();
    expect(opened.map((x) => x.id)).toEqual([(await incidents()).incident_id]);
    await e2e.screenshot(page, 'field-4-alarm-checked');
    expect(errors).toEqual([]);
    await context.close();
  }, 180_000);
});
