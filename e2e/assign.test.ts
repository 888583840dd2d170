/**
 * People as well as units in the browser: a unit head (单位负责人) opens a case sent to the unit, sees the
 * members with their workload and assigns it to one; that handler logs in and finds it under "my cases".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../src/seed/demo.js';
import { wholeCellCentre } from '../src/testing/grid-cells.js';
import { browserAvailable, type E2E, startE2E } from './harness.js';

const run = browserAvailable() ? describe : describe.skip;
const PASSWORD = 'assign-e2e-password';

/** A logged-in API client of the running server (cookie + CSRF), for the setup the test is not about. */
async function apiAs(baseUrl: string, username: string, password = DEMO_PASSWORD) {
  const res = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status}`);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  const call = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await r.json()) as Record<string, unknown> & { id?: string; version?: number };
    if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(json)}`);
    return json;
  };
  return { get: (p: string) => call('GET', p), post: (p: string, b: unknown) => call('POST', p, b) };
}

run('console: a unit head assigns a case to a handler (Chromium)', () => {
  let e2e: E2E;
  let caseId: string;
  let caseNumber: string;

  beforeAll(async () => {
    e2e = await startE2E();
    const admin = await apiAs(e2e.baseUrl, 'admin');
    const units = (await admin.get('/api/units')) as unknown as { id: string; code: string }[];
    const street = units.find((u) => u.code === '120101001')?.id;
    for (const [username, displayName, unitHead] of [
      ['street_head', '街道科长 吴刚', true],
      ['street_worker', '街道干事 郑洁', false],
    ] as const) {
      await admin.post('/api/users', {
        username,
        displayName,
        password: PASSWORD,
        roles: ['handler'],
        unitId: street,
        scope: '120101001',
        unitHead,
      });
    }
    // A case of 劝业场街道 reported, filed and dispatched to the street (event.01 → 属地街道).
    const at = await wholeCellCentre(e2e.store.db, '120101001');
    const shiftLead = await apiAs(e2e.baseUrl, 'shift_lead');
    const created = await shiftLead.post('/api/cases', {
      categoryCode: 'event.0102',
      title: '小区门口堆放垃圾',
      lon: at.lon,
      lat: at.lat,
    });
    caseId = String(created.id);
    caseNumber = String(created.number);
    await shiftLead.post(`/api/cases/${caseId}/transitions`, { type: 'file', version: 1 });
    const dispatcher = await apiAs(e2e.baseUrl, 'dispatcher');
    await dispatcher.post(`/api/cases/${caseId}/transitions`, { type: 'dispatch', mode: 'auto', version: 2 });
  });
  afterAll(async () => {
    await e2e?.close();
  });

  it('the head assigns from the case with workloads shown; the handler finds it under “my cases”', async () => {
    const errors: string[] = [];
    // 1. The unit head opens the case and assigns it to the handler.
    const head = await e2e.newPage();
    head.page.on('pageerror', (err) => errors.push(err.message));
    await loginAs(head.page, 'street_head');
    await head.page.goto(`/cases/${caseId}`);
    await head.page.getByTestId('assign-open').click();
    const dialog = head.page.getByRole('dialog');
    await dialog.getByText('街道干事 郑洁').waitFor();
    await dialog.getByText('在办').waitFor(); // the workload columns
    await e2e.screenshot(head.page, 'assign-dialog');
    await dialog.getByText('街道干事 郑洁').click();
    const answered = head.page.waitForResponse((r) => r.url().endsWith('/assignment'));
    await head.page.getByTestId('assign-ok').click();
    expect((await answered).status()).toBe(200);
    await head.page.getByTestId('case-assignee').getByText('街道干事 郑洁').waitFor();
    await head.page.getByTestId('timeline').getByText('分派到人').first().waitFor();
    await e2e.screenshot(head.page, 'assign-done');
    await head.context.close();

    // 2. The handler logs in; the case list opens on "my cases" and shows it.
    const worker = await e2e.newPage();
    worker.page.on('pageerror', (err) => errors.push(err.message));
    await loginAs(worker.page, 'street_worker');
    const listed = worker.page.waitForResponse(
      (r) => r.url().includes('/api/cases?') && r.url().includes('assignee=me'),
    );
    await worker.page.goto('/cases');
    expect((await listed).status()).toBe(200);
    await worker.page.getByTestId('queue').getByText('我的案件').waitFor();
    await worker.page.getByRole('link', { name: caseNumber }).waitFor();
    await e2e.screenshot(worker.page, 'assign-my-cases');
    await worker.context.close();
    expect(errors).toEqual([]);
  });

  async function loginAs(page: import('playwright-core').Page, username: string) {
    await page.goto('/');
    await page.getByLabel(/用户名|Username/).fill(username);
    await page.getByLabel(/密码|Password/).fill(PASSWORD);
    const answered = page.waitForResponse((r) => r.url().endsWith('/api/auth/login'));
    await page.getByRole('button', { name: /登\s*录|Log in/ }).click();
    expect((await answered).status()).toBe(200);
    await page.getByTestId('current-user').waitFor();
  }
});
