/** End-to-end harness: a real server on a free port (embedded store, demo seed) and Debian's Chromium via playwright-core. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  chromium,
  type Page,
} from 'playwright-core';
import { loadConfig, projectRoot } from '../src/platform/config.js';
import { type Database, openDatabase } from '../src/platform/db/database.js';
import { migrate } from '../src/platform/db/migrate.js';
import { freePort } from '../src/platform/db/pg-server.js';
import { DEMO_PASSWORD, seedDemo } from '../src/seed/demo.js';
import { buildServer, type Server, WEB_DIR } from '../src/server.js';

export const CHROMIUM = process.env.WANGGE_CHROMIUM ?? '/usr/bin/chromium';
export const ARTIFACTS = path.join(projectRoot, 'test-results');

/** Whether browser tests can run; when they cannot and WANGGE_REQUIRE_BROWSER=1 they must fail instead of skip. */
export function browserAvailable(): boolean {
  const ok = fs.existsSync(CHROMIUM) && fs.existsSync(path.join(WEB_DIR, 'index.html'));
  if (!ok) {
    const why = !fs.existsSync(CHROMIUM)
      ? `no browser at ${CHROMIUM} (apt-get install chromium)`
      : 'the web app is not built (npm run build:web)';
    if (process.env.WANGGE_REQUIRE_BROWSER === '1') throw new Error(`Browser tests required but ${why}.`);
    console.warn(`\n!!!! Browser tests SKIPPED: ${why}\n`);
  }
  return ok;
}

export interface E2E {
  baseUrl: string;
  server: Server;
  store: Database;
  browser: Browser;
  newPage(options?: BrowserContextOptions): Promise<{ context: BrowserContext; page: Page }>;
  login(page: Page, username: string): Promise<void>;
  screenshot(page: Page, name: string): Promise<string>;
  close(): Promise<void>;
}

export async function startE2E(opts: { districts?: string[] } = { districts: ['120101'] }): Promise<E2E> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wangge-e2e-'));
  const store = await openDatabase({ kind: 'pglite', dataDir: path.join(dir, 'pglite') });
  await migrate(store.db);
  await seedDemo(store.db, { districts: opts.districts });
  const port = await freePort();
  const config = { ...loadConfig({ WANGGE_DATA: dir }), port, logLevel: 'warn' };
  const server = await buildServer(store, config);
  await server.app.listen({ port, host: '127.0.0.1' });
  const baseUrl = `http://127.0.0.1:${port}`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // MapLibre needs WebGL: software rendering through SwiftShader.
      '--use-angle=swiftshader',
      '--enable-unsafe-swiftshader',
    ],
  });
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  return {
    baseUrl,
    server,
    store,
    browser,
    async newPage(options = {}) {
      const context = await browser.newContext({
        viewport: { width: 1400, height: 900 },
        locale: 'zh-CN',
        baseURL: baseUrl,
        ...options,
      });
      const page = await context.newPage();
      return { context, page };
    },
    async login(page, username) {
      await page.goto('/');
      await page.getByLabel(/用户名|Username/).fill(username);
      await page.getByLabel(/密码|Password/).fill(DEMO_PASSWORD);
      const answered = page.waitForResponse((r) => r.url().endsWith('/api/auth/login'));
      await page.getByRole('button', { name: /登\s*录|Log in/ }).click();
      const res = await answered;
      if (res.status() !== 200) throw new Error(`login as ${username}: HTTP ${res.status()}`);
    },
    async screenshot(page, name) {
      const file = path.join(ARTIFACTS, `${name}.png`);
      await page.screenshot({ path: file, fullPage: false });
      return file;
    },
    async close() {
      await browser.close();
      await server.close();
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Centres the page's map on a point at a zoom where grids are drawn, waits until they are, and clicks it. */
export async function clickMapAt(page: Page, point: { lon: number; lat: number }): Promise<void> {
  await page.waitForFunction(() => window.__wanggeMap?.loaded(), undefined, { timeout: 30_000 });
  await page.evaluate(({ lon, lat }) => window.__wanggeMap?.jumpTo({ center: [lon, lat], zoom: 16 }), point);
  await page.waitForFunction(
    () => {
      const map = window.__wanggeMap;
      return !!map && map.loaded() && map.queryRenderedFeatures({ layers: ['grid-fill'] }).length > 0;
    },
    undefined,
    { timeout: 30_000 },
  );
  const pixel = await page.evaluate(({ lon, lat }) => {
    const map = window.__wanggeMap;
    const box = map?.getCanvas().getBoundingClientRect();
    const p = map?.project([lon, lat]);
    return box && p ? { x: box.left + p.x, y: box.top + p.y } : null;
  }, point);
  if (!pixel) throw new Error('the map is not ready');
  await page.mouse.click(pixel.x, pixel.y);
}

/**
 * Chooses an option of an antd Select by its text (typing it first to filter, when `type`), then waits for the
 * list to close (not for a multiple select). A click that lands while the list is still opening is ignored by
 * antd, so it is retried.
 */
export async function pickOption(page: Page, testId: string, text: string, opts: { type?: boolean } = {}) {
  const select = page.getByTestId(testId);
  await select.click();
  if (opts.type) await page.keyboard.type(text);
  const list = page.locator('.ant-select-dropdown:visible');
  const option = list.locator('.ant-select-item-option').filter({ hasText: text }).first();
  // A multiple select keeps its list open (and a second click would take the option out again).
  const multiple = await select.evaluate(
    (el) =>
      !!(el.closest('.ant-select') ?? el.querySelector('.ant-select'))?.classList.contains(
        'ant-select-multiple',
      ),
  );
  if (multiple) return option.click();
  // What the closed select shows: the click may have closed the list without choosing (antd was animating).
  const chosen = () =>
    select.evaluate((el, want) => {
      const root = el.closest('.ant-select') ?? el.querySelector('.ant-select') ?? el;
      return (root.textContent ?? '').includes(want);
    }, text);
  for (let attempt = 1; ; attempt++) {
    if (attempt > 1 && !(await list.isVisible())) {
      await select.click();
      if (opts.type) await page.keyboard.type(text);
    }
    await option.click();
    try {
      await list.waitFor({ state: 'hidden', timeout: 2_000 });
      if (await chosen()) return;
    } catch (e) {
      if (attempt >= 3) throw e;
      continue;
    }
    if (attempt >= 3) throw new Error(`${testId}: "${text}" was clicked but not chosen`);
  }
}
