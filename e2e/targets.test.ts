/**
 * 督查督办 in the browser: the supervisor imports the real work report 000, accepts its items and
 * assigns a task to 城管委; 城管委 files its progress; the board turns green.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDate } from '../src/platform/calendar/working-time.js';
import { projectRoot } from '../src/platform/config.js';
import { browserAvailable, type E2E, startE2E } from './harness.js';

const run = browserAvailable() ? describe : describe.skip;
const REPORT = path.join(projectRoot, '../shared/seeds/000_3874ada3491af804.txt');
const day = (offset: number) => localDate(new Date(Date.now() + offset * 86_400_000));

async function pickOption(page: Page, testId: string, text: string) {
  await page.getByTestId(testId).click();
  await page.keyboard.type(text);
  await page
    .locator('.ant-select-dropdown:visible .ant-select-item-option')
    .filter({ hasText: text })
    .first()
    .click();
}

run('console: supervision of the work report (Chromium)', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
  });
  afterAll(async () => {
    await e2e?.close();
  });

  it('supervisor imports report 000, accepts its items, assigns a task; the unit files progress; the board turns green', async () => {
    const { page, context } = await e2e.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await e2e.login(page, 'supervisor');
    await page.getByTestId('current-user').waitFor();
    await page.goto('/targets');
    const imported = page.waitForResponse((r) => r.url().endsWith('/api/targets/documents/upload'));
    await page.locator('input[type=file]').setInputFiles(REPORT);
    expect((await imported).status()).toBe(201);
    await page.getByTestId('doc-counts').getByText('已确认 0 / 35').waitFor();
    expect(await page.locator('[data-testid=doc-text] mark').count()).toBe(35);

    await page.getByTestId('accept-all').click();
    await page.getByTestId('doc-counts').getByText('已确认 35 / 35').waitFor();
    expect(await page.locator('[data-testid=doc-text] mark[data-status=accepted]').count()).toBe(35);

    // Decompose one target into a task for 城市管理委员会.
    await page.getByRole('tab', { name: '任务分解' }).click();
    await page.getByTestId('task-title').fill('盘活空置楼宇');
    await pickOption(page, 'task-targets', '空置楼宇');
    await page.keyboard.press('Escape');
    await pickOption(page, 'task-lead', '和平区城市管理委员会');
    const range = page.locator('.ant-picker-range input');
    for (const [i, value] of [day(-60), day(30)].entries()) {
      await range.nth(i).click();
      await range.nth(i).fill(value);
      // Enter confirms the start date; on the end date it would submit the form, so leave with Tab.
      await range.nth(i).press(i === 0 ? 'Enter' : 'Tab');
      await expect.poll(() => range.nth(i).inputValue()).toBe(value);
    }
    await page
      .locator('.ant-picker-dropdown:visible')
      .waitFor({ state: 'detached' })
      .catch(() => undefined);
    const created = page.waitForResponse((r) => r.url().endsWith('/api/targets/tasks'), { timeout: 60_000 });
    await page.getByTestId('task-create').click();
    expect((await created).status()).toBe(201);
    await page.getByRole('cell', { name: '盘活空置楼宇' }).waitFor();
    await page.goto('/targets/board');
    await page.getByTestId('task-status').getByText('滞后').waitFor(); // 60 of 90 days gone, nothing reported
    await context.close();

    // 城管委 files this month's progress, on plan.
    const unit = await e2e.newPage();
    await e2e.login(unit.page, 'handler');
    await unit.page.getByTestId('current-user').waitFor();
    await unit.page.goto('/targets/board');
    await unit.page.getByTestId('file-progress').click();
    await unit.page.getByTestId('progress-input').fill('70');
    await unit.page.getByTestId('progress-narrative').fill('已盘活空置楼宇22万平方米');
    const filed = unit.page.waitForResponse((r) => r.url().endsWith('/progress'));
    await unit.page.getByTestId('dialog-ok').click();
    expect((await filed).status()).toBe(201);
    await unit.page.getByTestId('task-status').getByText('正常').waitFor();
    expect(await unit.page.getByTestId('rollup-unit').textContent()).toContain(
      '和平区城市管理委员会 · 1/0/0',
    );
    await unit.page.waitForTimeout(600); // let the tag's colour transition finish before the picture
    await e2e.screenshot(unit.page, 'targets-board-green');
    expect(errors).toEqual([]);
    await unit.context.close();
  }, 240_000);
});
