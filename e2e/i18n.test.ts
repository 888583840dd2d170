/**
 * Both languages and the notification centre in the browser: the citizen portal switches to English and
 * remembers it (and an English browser gets English on its first visit); the console's bell shows the
 * unit's unread count, lists the notifications, and marks them all read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notify } from '../src/modules/notifications/notifications.service.js';
import { browserAvailable, type E2E, startE2E } from './harness.js';

const run = browserAvailable() ? describe : describe.skip;

run('both languages and the notification centre (Chromium)', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
  });
  afterAll(async () => {
    await e2e?.close();
  });

  it('the portal switches to English, keeps the choice, and follows an English browser on a first visit', async () => {
    const { page, context } = await e2e.newPage({ viewport: { width: 390, height: 844 }, isMobile: true });
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto('/portal');
    await page.getByTestId('portal-title').getByText('网格 · 市民反映').waitFor();
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByTestId('portal-title').getByText('Wangge · Report a problem').waitFor();
    await page.getByRole('button', { name: 'Use my location' }).waitFor();
    await page.getByRole('button', { name: 'Submit' }).waitFor();
    await e2e.screenshot(page, 'portal-english');
    await page.reload();
    await page.getByTestId('portal-title').getByText('Wangge · Report a problem').waitFor();
    await page.getByRole('button', { name: '中文' }).click();
    await page.getByTestId('portal-title').getByText('网格 · 市民反映').waitFor();
    expect(errors).toEqual([]);
    await context.close();

    const english = await e2e.newPage({ locale: 'en-US', viewport: { width: 390, height: 844 } });
    await english.page.goto('/portal');
    await english.page.getByTestId('portal-title').getByText('Wangge · Report a problem').waitFor();
    await english.context.close();
  });

  it('the console bell shows the unread count, lists the notifications and marks them all read', async () => {
    const unit = await e2e.store.db
      .selectFrom('users')
      .select('unit_id')
      .where('username', '=', 'dispatcher')
      .executeTakeFirstOrThrow();
    const unitId = unit.unit_id as string;
    await notify(e2e.store.db, [
      { unitId, kind: 'overdue', params: { number: '120101202612020001', title: '井盖缺失' } },
      { unitId, kind: 'warning', params: { number: '120101202612020002', title: '路灯不亮' } },
    ]);
    const { page, context } = await e2e.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await e2e.login(page, 'dispatcher');
    await page.getByTestId('current-user').waitFor();
    await page
      .locator('.ant-badge')
      .filter({ has: page.getByTestId('notification-bell') })
      .getByText('2')
      .waitFor();
    expect(await page.getByTestId('notification-count').textContent()).toBe('2');
    await page.getByTestId('notification-bell').click();
    await page.getByTestId('notification-list').getByText('已超时：120101202612020001 井盖缺失').waitFor();
    await e2e.screenshot(page, 'notification-centre');
    // The texts follow the reader's language.
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByTestId('notification-bell').click();
    await page.getByTestId('notification-list').getByText('Overdue: 120101202612020001 井盖缺失').waitFor();
    await page.getByTestId('notifications-read-all').click();
    await page
      .getByTestId('notification-count')
      .getByText('0', { exact: true })
      .waitFor({ state: 'attached' });
    expect(errors).toEqual([]);
    await context.close();
  });
});
