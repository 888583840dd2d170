/** Routing in the hotline console: an operator types a complaint, sees the top 3 categories, takes the first with one key (F2). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wholeCellCentre } from '../src/testing/grid-cells.js';
import { browserAvailable, type E2E, startE2E } from './harness.js';

const run = browserAvailable() ? describe : describe.skip;

run('routing suggestions in the hotline console (Chromium)', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
  });
  afterAll(async () => {
    await e2e?.close();
  });

  it('operator types a complaint and accepts the first suggested category with F2', async () => {
    const { page, context } = await e2e.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await e2e.login(page, 'operator');
    await page.getByTestId('current-user').waitFor();
    const cell = await wholeCellCentre(e2e.store.db, '120101001002');
    await page.evaluate(async (p) => {
      const { csrfToken } = (await (await fetch('/api/auth/me')).json()) as { csrfToken: string };
      await fetch('/api/hotline/gazetteer', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': csrfToken },
        body: JSON.stringify({ name: '滨江道路口', aliases: '滨江道', lon: p.lon, lat: p.lat }),
      });
    }, cell);

    await page.getByRole('menuitem', { name: '热线受理' }).click();
    await page.getByTestId('hotline-phone').fill('13700004444');
    await page.getByTestId('hotline-place').click();
    await page.keyboard.type('滨江道');
    await page.locator('.ant-select-item-option').filter({ hasText: '滨江道路口' }).first().click();
    await page.getByTestId('hotline-point').waitFor();
    await page.getByTestId('hotline-description').click();
    await page.keyboard.type('路口的路灯坏了好几天不亮，晚上很黑');
    const first = page.getByTestId('hotline-suggestion-0');
    await first.waitFor();
    expect(await first.textContent()).toContain('路灯');
    expect(await page.getByTestId('hotline-suggestion-2').count()).toBe(1);
    await e2e.screenshot(page, 'routing-suggestions');
    // One key takes the first suggestion into the category field.
    await page.keyboard.press('F2');
    await page.getByTestId('hotline-category').getByText('路灯').waitFor();
    await page.keyboard.press('Control+Enter');
    const created = (await page.getByTestId('hotline-created').textContent()) ?? '';
    const number = /120101\d{14}/.exec(created)?.[0];
    expect(number).toBeDefined();
    const filed = await e2e.store.db
      .selectFrom('cases')
      .select(['id', 'category_code'])
      .where('number', '=', number ?? '')
      .executeTakeFirstOrThrow();
    // The choice is recorded against the suggestion, as taken.
    await expect
      .poll(async () =>
        e2e.store.db
          .selectFrom('routing_suggestions')
          .select(['accepted', 'chosen_category', 'channel'])
          .where('case_id', '=', filed.id)
          .executeTakeFirst(),
      )
      .toEqual({ accepted: true, chosen_category: filed.category_code, channel: 'hotline' });
    expect(errors).toEqual([]);
    await context.close();
  }, 240_000);

  it('admin sees the monthly uptake and the models, and retrains from the routing screen', async () => {
    const { page, context } = await e2e.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await e2e.login(page, 'admin');
    await page.getByTestId('current-user').waitFor();
    await page.getByRole('menuitem', { name: '分拨建议' }).click();
    // The operator's suggestion above was taken: this month shows it as the first taken, 1 of 1.
    const months = page.getByTestId('routing-months');
    await months.getByText('1/1 (100.0%)').first().waitFor();
    const models = page.getByTestId('routing-models');
    await models.getByText('使用中').first().waitFor();
    await page.getByTestId('routing-retrain').click();
    await page.getByText(/已训练：/).waitFor();
    // The list shows every model stored, the retrain's included (a new row, or the active one kept when
    // there are too few closed cases to learn from).
    const stored = await e2e.store.db.selectFrom('routing_models').select('id').execute();
    await expect.poll(() => models.locator('tbody tr').count()).toBe(stored.length);
    await e2e.screenshot(page, 'routing-admin');
    expect(errors).toEqual([]);
    await context.close();
  }, 240_000);
});
