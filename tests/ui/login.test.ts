import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUiHarness, type UiHarness } from '../ui-harness';

let ui: UiHarness;
beforeAll(async () => {
  ui = await createUiHarness();
}, 240_000);
afterAll(async () => {
  await ui?.close();
});

describe('logging in and out in the browser', () => {
  it('sends a visitor to the login page, logs in with the form, and logs out', async () => {
    const page = await (await ui.context()).newPage();
    await page.goto('/loans');
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(await page.locator('h1').textContent()).toBe('লগ ইন');
    await ui.screenshot(page, 'login-bn');
    await page.locator('#login').fill(ui.api.accounts.upazila_officer.username);
    await page.locator('#password').fill('wrong password!!');
    await page.locator('form button').last().click();
    await expect.poll(() => page.locator('[role=alert]').textContent()).toContain('পাসওয়ার্ড ভুল');
    await page.locator('#password').fill('correct horse battery');
    await Promise.all([page.waitForURL((u) => u.pathname === '/loans'), page.locator('form button').last().click()]);
    await page.getByRole('button', { name: 'লগ আউট' }).click();
    await page.waitForURL((u) => u.pathname === '/login');
    await page.goto('/');
    expect(new URL(page.url()).pathname).toBe('/login');
  });

  it('works without JavaScript: the login form posts and redirects', async () => {
    const page = await (await ui.context({ javaScript: false })).newPage();
    await page.goto('/login');
    await page.locator('#login').fill(ui.api.accounts.district_officer.username);
    await page.locator('#password').fill('correct horse battery');
    await Promise.all([page.waitForURL((u) => u.pathname === '/'), page.locator('form button').last().click()]);
    expect(await page.locator('nav').count()).toBe(1);
  });

  it('switches to English and remembers it on the account for the next login', async () => {
    const page = await ui.loginAs('collector');
    await ui.switchLanguage(page, 'en');
    await expect.poll(() => page.locator('nav').textContent()).toContain('Dashboard');
    const me = (await (await ui.api.request(await ui.api.as('collector'), 'GET', '/api/auth/me')).json()) as { user: { language: string } };
    expect(me.user.language).toBe('en');
    const fresh = await ui.loginAs('collector');
    expect(await fresh.locator('nav').textContent()).toContain('Dashboard');
    await ui.screenshot(fresh, 'dashboard-en');
    await ui.switchLanguage(fresh, 'bn');
    await expect.poll(() => fresh.locator('nav').textContent()).toContain('ড্যাশবোর্ড');
  });

  it('does not follow a next= link to another site', async () => {
    const page = await (await ui.context()).newPage();
    await page.goto('/login?next=//evil.example/');
    await page.locator('#login').fill(ui.api.accounts.auditor.username);
    await page.locator('#password').fill('correct horse battery');
    await Promise.all([page.waitForURL((u) => u.pathname === '/'), page.locator('form button').last().click()]);
    expect(new URL(page.url()).host).toBe(new URL(ui.url).host);
  });
});
