/** The administrator pastes 2027's holiday notice into the working calendar; the missing-year warning goes. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, type E2E, startE2E } from './harness.js';

const run = browserAvailable() ? describe : describe.skip;

const NOTICE_2027 = `一、元旦：1月1日（周五）至3日（周日）放假调休，共3天。
二、春节：2月6日（星期六）至14日（星期日）放假调休，共9天。2月20日（星期六）上班。`;

run('console: working calendar (Chromium)', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
  });
  afterAll(async () => {
    await e2e?.close();
  });

  it('admin: paste the notice, read it, save it; the calendar covers 2027', async () => {
    const { page, context } = await e2e.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await e2e.login(page, 'admin');
    await page.getByRole('menuitem', { name: '工作日历' }).click();
    await page.getByTestId('calendar-covered-until').waitFor();
    expect(await page.getByTestId('calendar-covered-until').textContent()).toBe('2026-12-31');
    const missing = await page.getByTestId('calendar-next-year-missing').count();
    await e2e.screenshot(page, 'calendar-before');

    await page.getByRole('button', { name: '录入 / 导入年份' }).click();
    await page.getByRole('spinbutton').fill('2027');
    await page.getByTestId('calendar-notice').fill(NOTICE_2027);
    await page.getByRole('button', { name: /^识\s?别$/ }).click();
    await page.getByText('识别结果').waitFor();
    await page.getByRole('cell', { name: '2027-02-20' }).waitFor();
    await e2e.screenshot(page, 'calendar-preview');
    await page.getByRole('button', { name: '保存并重新计算时限' }).click();
    await page.getByTestId('calendar-covered-until').getByText('2027-12-31').waitFor();
    await page.getByRole('cell', { name: '2027', exact: true }).waitFor();
    if (missing) expect(await page.getByTestId('calendar-next-year-missing').count()).toBe(0);
    await e2e.screenshot(page, 'calendar-after');
    expect(errors).toEqual([]);
    await context.close();
  });
});
