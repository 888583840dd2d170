/**
 * The citizen portal on a phone-sized screen: report with the phone's location, get a tracking code,
 * follow the public timeline, and — once staff have closed it — rate it unsatisfied, which reopens it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Command } from '../src/modules/cases/workflow.js';
import { wholeCellCentre } from '../src/testing/grid-cells.js';
import { browserAvailable, type E2E, startE2E } from './harness.js';

const run = browserAvailable() ? describe : describe.skip;

run('citizen portal (Chromium, phone screen)', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
  });
  afterAll(async () => {
    await e2e?.close();
  });

  /** Moves the case through the loop as staff would, through the engine itself. */
  async function staff(
    code: string,
    role: 'shift_lead' | 'dispatcher' | 'handler' | 'inspector',
    command: Command,
    unitId: string | null = null,
  ) {
    await e2e.store.db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('cases')
        .selectAll()
        .where('tracking_code', '=', code)
        .executeTakeFirstOrThrow();
      await e2e.server.cases.transitions.apply(trx, row, command, {
        userId: null,
        name: role,
        role,
        roles: [role],
        unitId,
        scope: '',
      });
    });
  }

  it('submit with the phone location → track → rate unsatisfied → reopened', async () => {
    const cell = await wholeCellCentre(e2e.store.db, '120101003');
    const { page, context } = await e2e.newPage({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      geolocation: { latitude: cell.lat, longitude: cell.lon, accuracy: 8 },
      permissions: ['geolocation'],
    });
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto('/portal');
    await page.getByTestId('portal-service').click();
    await page.keyboard.type('暴露垃圾');
    await page.keyboard.press('Enter');
    // Before writing, the citizen is told what the public will see of this report (公开范围).
    expect(await page.getByTestId('portal-publication').textContent()).toContain('公开类别和办理状态');
    await page.getByTestId('portal-locate').click();
    await page.getByTestId('portal-point').waitFor();
    await page.getByTestId('portal-description').fill('小区东门外垃圾堆放三天无人清运');
    // The category suggested as the citizen types (分拨建议); the report records what was filed under.
    await page.getByTestId('portal-suggestions').waitFor();
    await page.getByTestId('portal-submit').click();
    const code = (await page.getByTestId('tracking-code').textContent()) ?? '';
    expect(code).toMatch(/^[A-Z2-9]{10}$/);
    const filed = await e2e.store.db
      .selectFrom('cases')
      .select(['id', 'category_code'])
      .where('tracking_code', '=', code)
      .executeTakeFirstOrThrow();
    expect(
      await e2e.store.db
        .selectFrom('routing_suggestions')
        .select(['channel', 'chosen_category'])
        .where('case_id', '=', filed.id)
        .executeTakeFirst(),
    ).toEqual({ channel: 'portal', chosen_category: filed.category_code });
    expect(await page.getByTestId('portal-timeline').textContent()).toContain('已提交');
    await e2e.screenshot(page, 'portal-1-submitted');

    const unit = await e2e.store.db
      .selectFrom('units')
      .select('id')
      .where('code', '=', '120101-cgw')
      .executeTakeFirstOrThrow();
    await staff(code, 'shift_lead', { type: 'file' });
    await staff(code, 'dispatcher', { type: 'dispatch', mode: 'manual', unitId: unit.id });
    await staff(code, 'handler', { type: 'sign' }, unit.id);
    await staff(code, 'handler', { type: 'feedback', note: '已清运', evidence: ['e'.repeat(64)] }, unit.id);
    await staff(code, 'inspector', { type: 'check', pass: true, note: '已清理' });
    await staff(code, 'shift_lead', {
      type: 'close',
      note: '回访满意',
      publicReply: '问题已解决，感谢您的反映',
    });

    await page.goto(`/portal/track/${code}`);
    await page.getByTestId('portal-state').getByText('已办结').waitFor();
    const timeline = (await page.getByTestId('portal-timeline').textContent()) ?? '';
    for (const step of ['已提交', '已受理', '已派单', '处置单位已接单', '已处置', '已核查', '已办结'])
      expect(timeline).toContain(step);
    expect(timeline).not.toMatch(/shift_lead|handler|已清运|回访满意/); // no staff names, no internal notes
    // Only the public reply (公开答复) is shown.
    expect(await page.getByTestId('portal-reply').textContent()).toBe('答复：问题已解决，感谢您的反映');
    await page.getByText('不满意').click();
    await page.getByTestId('portal-rate').click();
    await page.getByTestId('portal-state').getByText('办理中').waitFor();
    expect(await page.getByTestId('portal-timeline').textContent()).toContain('已评价');
    await e2e.screenshot(page, 'portal-2-reopened');
    const row = await e2e.store.db
      .selectFrom('cases')
      .select(['state', 'reopen_count'])
      .where('tracking_code', '=', code)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ state: 'handling', reopen_count: 1 });
    expect(errors).toEqual([]);
    await context.close();
  }, 180_000);
});
