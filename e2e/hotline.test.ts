/** The hotline console, keyboard-first: a caller, a landmark from the gazetteer, a duplicate suggested while typing, the case number to read back. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wholeCellCentre } from '../src/testing/grid-cells.js';
import { browserAvailable, type E2E, startE2E } from './harness.js';

const run = browserAvailable() ? describe : describe.skip;

run('hotline console (Chromium)', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
  });
  afterAll(async () => {
    await e2e?.close();
  });

  it('operator registers a complaint with a duplicate suggested, from the keyboard', async () => {
    const { page, context } = await e2e.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await e2e.login(page, 'operator');
    await page.getByTestId('current-user').waitFor();
    const cell = await wholeCellCentre(e2e.store.db, '120101001002');
    // An earlier complaint at the same place, and the landmark the operators keep for it.
    const earlier = await page.evaluate(async (p) => {
      const { csrfToken } = (await (await fetch('/api/auth/me')).json()) as { csrfToken: string };
      const headers = { 'content-type': 'application/json', 'x-csrf-token': csrfToken };
      await fetch('/api/hotline/gazetteer', {
        method: 'POST',
        headers,
        body: JSON.stringify({ name: '和平大悦城南门', aliases: '大悦城', lon: p.lon, lat: p.lat }),
      });
      const res = await fetch('/api/cases', {
        method: 'POST',
        headers,
        body: JSON.stringify({
          categoryCode: 'request.0301',
          title: '大悦城南门垃圾堆放',
          description: '南门垃圾堆放',
          lon: p.lon,
          lat: p.lat,
        }),
      });
      return ((await res.json()) as { number: string }).number;
    }, cell);

    await page.getByRole('menuitem', { name: '热线受理' }).click();
    await page.getByTestId('hotline-phone').fill('13700003333');
    await page.keyboard.press('Tab');
    await page.getByTestId('hotline-category').click();
    await page.keyboard.type('市容环境投诉');
    await page.keyboard.press('Enter');
    await page.getByTestId('hotline-place').click();
    await page.keyboard.type('大悦城');
    await page.locator('.ant-select-item-option').filter({ hasText: '和平大悦城南门' }).first().click();
    await page.getByTestId('hotline-point').waitFor();
    await page.getByTestId('hotline-description').fill('大悦城南门口垃圾堆放两天无人清理');
    await page.getByTestId('hotline-duplicates').getByText(earlier).waitFor();
    await e2e.screenshot(page, 'hotline-duplicate');
    await page.keyboard.press('Control+Enter');
    const created = (await page.getByTestId('hotline-created').textContent()) ?? '';
    const number = /120101\d{14}/.exec(created)?.[0];
    expect(number).toBeDefined();
    expect(number).not.toBe(earlier);
    const row = await e2e.store.db
      .selectFrom('cases')
      .select(['reporter', 'source'])
      .where('number', '=', number ?? '')
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ source: 'hotline', reporter: { phone: '13700003333' } });
    expect(errors).toEqual([]);
    await context.close();
  }, 180_000);
});
