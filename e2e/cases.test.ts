/**
 * The closed loop in the browser, each step by its own logged-in user: the inspector reports with a
 * photo and a point on the map, the shift lead files, the dispatcher dispatches, the street signs and
 * feeds back with a photo, the inspector checks, the shift lead closes.
 */
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wholeCellCentre } from '../src/testing/grid-cells.js';
import { browserAvailable, clickMapAt, type E2E, startE2E } from './harness.js';

const run = browserAvailable() ? describe : describe.skip;

async function photo(color: string) {
  return {
    name: 'photo.jpg',
    mimeType: 'image/jpeg',
    buffer: await sharp({ create: { width: 800, height: 600, channels: 3, background: color } })
      .jpeg()
      .toBuffer(),
  };
}

run('console: the closed loop (Chromium)', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
  });
  afterAll(async () => {
    await e2e?.close();
  });

  /** Logs in as `username`, opens the case, gives one command through its dialog, and waits for the new state. */
  async function step(
    caseId: string,
    username: string,
    action: string,
    state: string,
    fill?: (page: Page) => Promise<void>,
  ) {
    const { page, context } = await e2e.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await e2e.login(page, username);
    await page.getByTestId('current-user').waitFor();
    await page.goto(`/cases/${caseId}`);
    await page.getByTestId(`action-${action}`).click();
    await fill?.(page);
    const answered = page.waitForResponse((r) => r.url().endsWith('/transitions'));
    await page.getByTestId('action-ok').click();
    expect((await answered).status()).toBe(200);
    await page.getByTestId('case-state').getByText(state, { exact: true }).waitFor();
    expect(errors).toEqual([]);
    return { page, context };
  }

  it('inspector reports, shift lead files, dispatcher dispatches, street signs and feeds back, inspector checks, shift lead closes', async () => {
    // 1. The inspector reports 暴露垃圾 with a photo at a point picked on the map.
    const { page, context } = await e2e.newPage();
    await e2e.login(page, 'inspector');
    await page.getByTestId('current-user').waitFor();
    await page.goto('/cases/new');
    await page.getByTestId('category').click();
    await page.keyboard.type('暴露垃圾');
    await page.keyboard.press('Enter');
    await page.getByTestId('title').fill('和平路口暴露垃圾');
    const cell = await wholeCellCentre(e2e.store.db, '120101001001');
    await clickMapAt(page, cell);
    await page.getByTestId('located').getByText(cell.code).waitFor();
    const uploaded = page.waitForResponse((r) => r.url().endsWith('/api/attachments'));
    await page.locator('input[type=file]').setInputFiles(await photo('#884400'));
    expect((await uploaded).status()).toBe(201);
    const created = page.waitForResponse(
      (r) => r.url().endsWith('/api/cases') && r.request().method() === 'POST',
    );
    await page.getByTestId('submit-case').click();
    const res = await created;
    expect(res.status()).toBe(201);
    const { id, number } = (await res.json()) as { id: string; number: string };
    await page.getByTestId('case-number').getByText(number).waitFor();
    expect(await page.getByTestId('case-state').textContent()).toBe('待立案');
    await e2e.screenshot(page, 'cases-1-reported');
    await context.close();

    // 2–3. File, then dispatch by the responsibility rules (市容环境 → 属地街道).
    await (await step(id, 'shift_lead', 'file', '待派遣')).context.close();
    const dispatched = await step(id, 'dispatcher', 'dispatch', '待签收');
    expect(await dispatched.page.getByTestId('case-unit').textContent()).toBe('劝业场街道办事处');
    await dispatched.context.close();

    // 4. The street signs for it and feeds back with an "after" photo.
    await (await step(id, 'street', 'sign', '处置中')).context.close();
    const fed = await step(id, 'street', 'feedback', '已反馈', async (p) => {
      await p.getByTestId('action-note').fill('垃圾已清运，路面已冲洗');
      const up = p.waitForResponse((r) => r.url().endsWith('/api/attachments'));
      await p.locator('.ant-modal input[type=file]').setInputFiles(await photo('#2266aa'));
      expect((await up).status()).toBe(201);
    });
    await fed.context.close();

    // 5. The inspector checks on site; 6. the shift lead closes.
    const checked = await step(id, 'inspector', 'check', '已反馈', async (p) => {
      await p.getByTestId('action-note').fill('现场已清理干净');
    });
    await checked.page.getByTestId('timeline').getByText('核查').waitFor();
    await checked.context.close();
    const closed = await step(id, 'shift_lead', 'close', '已结案');
    const timeline = await closed.page.getByTestId('timeline').textContent();
    for (const word of ['上报', '立案', '派遣', '签收', '处置反馈', '核查', '结案'])
      expect(timeline).toContain(word);
    expect(await closed.page.locator('[data-testid=photos] img').count()).toBe(2);
    await e2e.screenshot(closed.page, 'cases-2-closed');
    await closed.context.close();
  }, 240_000); // seven logins and a map in a software-rendered browser, beside the other suites
});
