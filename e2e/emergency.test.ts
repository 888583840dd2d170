/**
 * From a device alarm to a running incident, in Chromium: two smoke alarms from one building within five
 * minutes open a fire incident (the alarm rules); the shift lead finds it on the board, activates the
 * fire plan (its tasks appear with deadlines), dispatches the nearest resource and publishes a notice
 * that the citizen portal shows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sign } from '../src/modules/channels/device-signature.js';
import { browserAvailable, type E2E, pickOption, startE2E } from './harness.js';

const run = browserAvailable() ? describe : describe.skip;
const SECRET = 'whsec_e2e-emergency-test-secret-0000000000000';

run('console: emergency command from an alarm (Chromium)', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
    // The demo devices' secrets are random and shown once at seeding: give the two烟感 of 和平里小区3号楼 one we know.
    await e2e.store.db
      .updateTable('devices')
      .set({ secret: SECRET })
      .where('id', 'in', ['SMK-HP-0001', 'SMK-HP-0002'])
      .execute();
  });
  afterAll(async () => {
    await e2e?.close();
  });

  const alarm = async (device: string, messageId: string) => {
    const raw = JSON.stringify({ messageId, type: 'smoke', time: new Date().toISOString(), value: 0.9 });
    const ts = Math.floor(Date.now() / 1000);
    const res = await fetch(`${e2e.baseUrl}/api/devices/alarms`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-wangge-device': device,
        'x-wangge-timestamp': String(ts),
        'x-wangge-signature': sign(SECRET, ts, raw),
      },
      body: raw,
    });
    return { status: res.status, json: (await res.json()) as { outcome: string; incidentId: string | null } };
  };

  it('two smoke alarms open an incident; the shift lead activates its plan and dispatches a resource', async () => {
    const first = await alarm('SMK-HP-0001', 'e2e-1');
    expect(first.json.outcome).toBe('to_check');
    const second = await alarm('SMK-HP-0002', 'e2e-2');
    expect([second.status, second.json.outcome]).toEqual([201, 'incident_opened']);
    const incidentId = second.json.incidentId as string;

    const { page, context } = await e2e.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await e2e.login(page, 'shift_lead');
    await page.getByRole('menuitem', { name: '应急指挥' }).click();
    const row = page.getByTestId('incident-list').getByText('劝业场街道老旧小区烟感（二单元）报警：smoke');
    await row.click();
    await page.getByTestId('incident-detail').waitFor();
    expect(await page.getByTestId('incident-level').textContent()).toContain('Ⅳ级');
    // The people on duty at the command centre are shown beside the incident.
    await page.getByTestId('on-duty').getByText('带班领导').waitFor();
    await e2e.screenshot(page, 'emergency-incident');

    await page.getByTestId('activate-plan').click();
    await pickOption(page, 'plan-select', '和平区火灾事故应急预案 v1');
    await page.getByRole('button', { name: /确\s?定/ }).click();
    const tasks = page.getByTestId('action-tasks');
    await tasks.getByText('调派应急救援队伍到场').waitFor();
    expect(await tasks.locator('tbody tr').count()).toBe(3);

    // The nearest resources are on the map and in the list; dispatch the first.
    await page.getByTestId('resource-marker').first().waitFor();
    await page.getByTestId('dispatch').first().click();
    await page.getByTestId('dispatches').locator('.ant-list-item').first().waitFor();
    await page.getByTestId('incident-timeline').getByText('调派资源').waitFor();
    await e2e.screenshot(page, 'emergency-dispatched');

    const activations = await e2e.store.db
      .selectFrom('emergency_activations')
      .select(['plan_code', 'status'])
      .where('incident_id', '=', incidentId)
      .execute();
    expect(activations).toEqual([{ plan_code: 'DEMO-FIRE', status: 'active' }]);
    const due = await e2e.store.db
      .selectFrom('emergency_tasks')
      .select(['step_no', 'due_at'])
      .where('incident_id', '=', incidentId)
      .orderBy('step_no')
      .execute();
    const activatedAt = await e2e.store.db
      .selectFrom('emergency_activations')
      .select('activated_at')
      .where('incident_id', '=', incidentId)
      .executeTakeFirstOrThrow();
    expect(due.map((d) => (d.due_at.getTime() - activatedAt.activated_at.getTime()) / 60_000)).toEqual([
      10, 20, 60,
    ]);
    const dispatches = await e2e.store.db
      .selectFrom('emergency_dispatches')
      .select('quantity')
      .where('incident_id', '=', incidentId)
      .execute();
    expect(dispatches).toEqual([{ quantity: 1 }]);

    // A public notice: the portal shows it, and nothing internal of the incident.
    await page.getByRole('button', { name: '发布公告' }).click();
    await page.getByLabel('公告内容').fill('和平里小区3号楼发生火情，请居民听从现场指挥有序疏散。');
    await page.getByRole('button', { name: /确\s?定/ }).click();
    await page.getByText('已向公众发布').waitFor();
    const portal = await e2e.newPage({ viewport: { width: 390, height: 844 } });
    await portal.page.goto('/portal');
    const notices = portal.page.getByTestId('emergency-notices');
    await notices.getByText('和平里小区3号楼发生火情，请居民听从现场指挥有序疏散。').waitFor();
    expect(await notices.textContent()).not.toContain('SMK-HP-0002');
    await e2e.screenshot(portal.page, 'emergency-portal-notice');
    await portal.context.close();
    expect(errors).toEqual([]);
    await context.close();
  });
});
