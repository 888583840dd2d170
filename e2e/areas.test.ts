/** The 和平区 dispatcher logs in, opens the area tree, clicks a grid on the map and sees its code. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wholeCellCentre } from '../src/testing/grid-cells.js';
import { browserAvailable, clickMapAt, type E2E, startE2E } from './harness.js';

const run = browserAvailable() ? describe : describe.skip;

run('console: areas and map (Chromium)', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
  });
  afterAll(async () => {
    await e2e?.close();
  });

  it('dispatcher: log in, open the tree, click a grid on the map, see its code and parents', async () => {
    const { page, context } = await e2e.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await e2e.login(page, 'dispatcher');
    await page.getByTestId('current-user').waitFor();
    expect(await page.getByTestId('current-user').textContent()).toContain('派遣员');
    // The dispatcher's menu has no user administration.
    expect(await page.getByRole('menuitem', { name: '用户' }).count()).toBe(0);

    await page.getByRole('menuitem', { name: '区域地图' }).click();
    const tree = page.getByTestId('area-tree');
    await tree.getByText('劝业场街道', { exact: false }).first().waitFor();
    // Open a community in the tree: the map flies there and its grids become clickable.
    await tree.getByText('劝业场街道', { exact: false }).first().click();
    await page.getByTestId('area-code').waitFor();
    expect(await page.getByTestId('area-code').textContent()).toContain('120101001');

    // Pick an unclipped grid cell of the street from the API and click its centre on the map.
    const target = await wholeCellCentre(e2e.store.db, '120101001001');
    await clickMapAt(page, target);
    await page.getByTestId('area-code').getByText(target.code).waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('parent-community').textContent()).toBe('120101001001');
    expect(await page.getByTestId('parent-street').textContent()).toBe('120101001');
    expect(await page.getByTestId('parent-district').textContent()).toBe('120101');
    await e2e.screenshot(page, 'areas-dispatcher-grid');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('admin: switches to English and sees the user administration', async () => {
    const { page, context } = await e2e.newPage();
    await e2e.login(page, 'admin');
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('menuitem', { name: 'Users' }).click();
    await page.getByRole('cell', { name: 'dispatcher', exact: true }).waitFor();
    await e2e.screenshot(page, 'users-admin-en');
    await context.close();
  });
});
