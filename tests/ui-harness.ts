// Browser tests: the API harness's app (real PostgreSQL, real Temporal) served together with the
// built web app on a free port, and Debian's Chromium driven by playwright-core. Screenshots go to
// test-results/screenshots so a person can look at them after the run.
import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { inject } from 'vitest';
import type { Role } from '../api/access/actor';
import { loadWebHandler, serveWebAndApi } from '../api/serve-web-and-api';
import { createApiHarness, PASSWORD, type ApiHarness } from './api-harness';

export const SCREENSHOTS = path.resolve(import.meta.dirname, '../test-results/screenshots');

/** The flags this machine needs (no sandbox as root, no background network on a closed network). */
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

export interface UiHarness {
  api: ApiHarness;
  url: string;
  browser: Browser;
  /** A fresh browser context (own cookies) at phone or desktop size, optionally without JavaScript. */
  context(opts?: { phone?: boolean; javaScript?: boolean; language?: 'bn' | 'en' }): Promise<BrowserContext>;
  /** A new page logged in through the login form as the harness's account for `role`. */
  loginAs(role: Role, opts?: { phone?: boolean; javaScript?: boolean }): Promise<Page>;
  /** Switches the language with the header's button and waits until the new page is there (the
   *  choice is remembered on the account, so a test that leaves it half-done changes the next test). */
  switchLanguage(page: Page, language: 'bn' | 'en'): Promise<void>;
  screenshot(page: Page, name: string): Promise<string>;
  close(): Promise<void>;
}

export async function createUiHarness(): Promise<UiHarness> {
  const api = await createApiHarness();
  const web = await loadWebHandler();
  if (!web) throw new Error('web/build is missing: run node scripts/build-web.mjs');
  const server = serveWebAndApi(api.app, web);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({ executablePath: inject('chromiumPath'), args: CHROMIUM_ARGS });
  await mkdir(SCREENSHOTS, { recursive: true });

  const context = (opts: { phone?: boolean; javaScript?: boolean; language?: 'bn' | 'en' } = {}) =>
    browser.newContext({
      baseURL: url,
      javaScriptEnabled: opts.javaScript ?? true,
      viewport: opts.phone ? { width: 360, height: 740 } : { width: 1280, height: 860 },
      deviceScaleFactor: 1,
      locale: opts.language === 'en' ? 'en-GB' : 'bn-BD',
      timezoneId: 'Asia/Dhaka',
    });

  return {
    api,
    url,
    browser,
    context,
    async loginAs(role, opts = {}) {
      const page = await (await context(opts)).newPage();
      await page.goto('/login');
      await page.locator('#login').fill(api.accounts[role].username);
      await page.locator('#password').fill(PASSWORD);
      await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.locator('form button').last().click()]);
      return page;
    },
    async switchLanguage(page, language) {
      const [from, to] = language === 'en' ? ['English', 'বাংলা'] : ['বাংলা', 'English'];
      await page.getByRole('button', { name: from, exact: true }).click();
      await page.getByRole('button', { name: to, exact: true }).waitFor();
      await page.waitForLoadState('load');
    },
    async screenshot(page, name) {
      const file = path.join(SCREENSHOTS, `${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      return file;
    },
    async close() {
      await browser.close().catch(() => undefined);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await api.close();
    },
  };
}
