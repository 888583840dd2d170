/**
 * 督查督办 in the browser: the supervisor imports the real work report 000, accepts its items and
 * assigns a task to 城管委; 城管委 files its progress; the board turns green.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDate } from '../src/platform/calendar/working-time.js';
import { projectRoot } from '../src/platform/config.js';
import { browserAvailable, type E2E, pickOption, startE2E } from './harness.js';

const run = browserAvailable() ? describe : describe.skip;
const REPORT = path.join(projectRoot, '../shared/seeds/000_3874ada3491af804.txt');
const day = (offset: number) => localDate(new Date(Date.now() + offset * 86_400_000));

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
    // The first file input is the document import's (the five-year plan import follows it).
    await page.locator('input[type=file]').first().setInputFiles(REPORT);
    expect((await imported).status()).toBe(201);
    await page.getByTestId('doc-counts').getByText('已确认 0 / 35').waitFor();
    expect(await page.locator('[data-testid=doc-text] mark').count()).toBe(35);

    await page.getByTestId('accept-all').click();
    await page.getByTestId('doc-counts').getByText('已确认 35 / 35').waitFor();
    expect(await page.locator('[data-testid=doc-text] mark[data-status=accepted]').count()).toBe(35);

    // Decompose one target into a task for 城市管理委员会.
    await page.getByRole('tab', { name: '任务分解' }).click();
    await page.getByTestId('task-title').fill('盘活空置楼宇');
    await pickOption(page, 'task-targets', '空置楼宇', { type: true });
    await page.keyboard.press('Escape');
    await pickOption(page, 'task-lead', '和平区城市管理委员会', { type: true });
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

    // The leader sees the task red on the board.
    const leader = await e2e.newPage();
    await e2e.login(leader.page, 'leader');
    await leader.page.getByTestId('current-user').waitFor();
    await leader.page.goto('/targets/board');
    await leader.page.getByRole('cell', { name: '盘活空置楼宇' }).waitFor();
    await leader.page.getByTestId('task-status').getByText('滞后').waitFor();
    await leader.context.close();

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

  it('supervisor imports a five-year plan, reads the mid-term review and records an actual', async () => {
    const { page, context } = await e2e.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await e2e.login(page, 'supervisor');
    await page.getByTestId('current-user').waitFor();
    await page.goto('/targets');
    await page.getByTestId('plan-title').fill('示范区五年规划');
    await page
      .getByTestId('plan-text')
      .fill(
        [
          '到2025年，全区新增就业岗位5万个。',
          '指标\t单位\t2020年\t2025年\t属性',
          '常住人口\t万人\t35\t40\t预期性',
          '森林覆盖率\t%\t12\t13\t约束性',
        ].join('\n'),
      );
    const imported = page.waitForResponse((r) => r.url().endsWith('/api/targets/plans'));
    await page.getByTestId('plan-submit').click();
    expect((await imported).status()).toBe(201);
    await page.getByRole('cell', { name: '常住人口' }).waitFor();
    expect(await page.getByText('无数据').count()).toBe(2);
    // Record 2021's actual for 常住人口 (36 = the path) and read it as on path in 2021.
    await page.getByTestId('record-actual').first().click();
    await page.getByTestId('actual-value').waitFor();
    await page.getByTestId('actual-year').click();
    await page
      .locator('.ant-select-dropdown:visible .ant-select-item-option')
      .filter({ hasText: '2021' })
      .click();
    await page.getByTestId('actual-value').fill('36');
    const saved = page.waitForResponse((r) => r.url().includes('/actuals/2021'));
    await page
      .getByRole('dialog')
      .getByRole('button', { name: /保\s*存|OK|确\s*定/ })
      .click();
    expect((await saved).status()).toBe(200);
    await page.getByTestId('review-year').click();
    await page
      .locator('.ant-select-dropdown:visible .ant-select-item-option')
      .filter({ hasText: '2021' })
      .click();
    await page.getByTestId('path-status').getByText('符合进度 (2021)').waitFor();
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);

  it('citizens see the report’s targets with lead units and status on the portal, and no internal note', async () => {
    const { page, context } = await e2e.newPage();
    await page.goto('/portal');
    await page.getByTestId('results-link').click();
    await page.getByTestId('results-title').waitFor();
    await page.getByTestId('public-target').first().waitFor();
    expect(await page.getByTestId('public-target').count()).toBeGreaterThan(30);
    await page.getByText('和平区城市管理委员会').first().waitFor();
    const body = (await page.textContent('body')) ?? '';
    expect(body).not.toContain('已盘活空置楼宇22万平方米'); // the unit's narrative stays internal
    await context.close();
  }, 60_000);
});
