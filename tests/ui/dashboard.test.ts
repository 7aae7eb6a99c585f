// The dashboard, the offices tree and a society's page in the browser. Figures on screen are checked
// against what the API answers the same user, written the Bengali way (digits, ৳, lakh grouping).
// Scenario: the harness's loan in each upazila plus seedDashboardScenario (tests/direct-loans.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../api/access/actor';
import type { DashboardBody } from '../../api/routes/dashboard';
import type { CollectionReportBody } from '../../api/routes/reports';
import { bnDigits } from '../../domain/bengali';
import { formatTaka } from '../../domain/money';
import { addDays } from '../../domain/dhaka-time';
import { monthStart, seedDashboardScenario } from '../direct-loans';
import { createUiHarness, type UiHarness } from '../ui-harness';

let ui: UiHarness;
let loanK = '';

beforeAll(async () => {
  ui = await createUiHarness();
  loanK = (await seedDashboardScenario(ui.api.sql)).k;
}, 240_000);
afterAll(async () => {
  await ui?.close();
});

async function apiGet<T>(role: Role, path: string): Promise<T> {
  const res = await ui.api.request(await ui.api.as(role), 'GET', path);
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
}
const bnPercent = (bps: number | null) => (bps === null ? '—' : bnDigits(`${(bps / 100).toFixed(1)}%`));

describe('dashboard', () => {
  it("shows an upazila officer their upazila's figures in Bengali, each tile a link to its list", async () => {
    const d = await apiGet<DashboardBody>('upazila_officer', '/api/reports/dashboard');
    const page = await ui.loginAs('upazila_officer');
    expect(await page.locator('h1').textContent()).toContain('ঝিনাইদহ সদর');
    expect(await page.getByTestId('collected').textContent()).toContain(formatTaka(d.totals.collectedPoisha));
    expect(await page.getByTestId('collected').textContent()).toContain(formatTaka(d.totals.duePoisha));
    expect(await page.getByTestId('overdue').textContent()).toContain(formatTaka(d.totals.overduePoisha));
    expect(await page.getByTestId('in-grace').textContent()).toContain(bnDigits(d.loansInGrace));
    expect(await page.getByTestId('rate').textContent()).toContain(bnPercent(d.totals.collectionRateBps));
    expect(await page.getByTestId('unmatched').count()).toBe(1);
    // Nothing fell due in Sadar in twelve months: the charts say so instead of drawing empty axes.
    await expect.poll(() => page.getByTestId('chart-blank').count()).toBe(2);
    await ui.screenshot(page, 'dashboard-uco');
    await Promise.all([page.waitForURL((u) => u.pathname === '/loans'), page.getByTestId('in-grace').click()]);
    const url = new URL(page.url());
    expect(Object.fromEntries(url.searchParams)).toEqual({ officeId: 'JHENAIDAH-SADAR', status: 'in_grace' });
  });

  it("shows a district officer the district's figures, the loan in grace in Kaliganj, and twelve months as a table without JavaScript", async () => {
    const d = await apiGet<DashboardBody>('district_officer', '/api/reports/dashboard');
    expect(d.loansInGrace).toBe(1);
    const page = await ui.loginAs('district_officer', { javaScript: false });
    expect(await page.locator('h1').textContent()).toContain('ঝিনাইদহ');
    expect((await page.getByTestId('in-grace').textContent())!.replace(/\s+/g, ' ')).toContain('অতিরিক্ত সময়ে থাকা ঋণ ১');
    expect(await page.getByTestId('overdue').textContent()).toContain(formatTaka(d.totals.overduePoisha));
    expect(await page.locator('canvas').count()).toBe(0);
    // The chart's fallback: one row a month, the month two back showing 10 000 due and 8 000 collected.
    const months = page.locator('figure').first().locator('tbody tr');
    expect(await months.count()).toBe(12);
    const twoBack = d.series[9]!;
    expect(await months.nth(9).locator('td').allTextContents()).toEqual([formatTaka(twoBack.duePoisha), formatTaka(twoBack.collectedPoisha)]);
    expect(twoBack).toMatchObject({ duePoisha: 10_000, collectedPoisha: 8_000 });
    const kaliganj = page.locator('figure').nth(1).locator('tbody tr', { hasText: 'JHENAIDAH-KALIGANJ' });
    expect(await kaliganj.count()).toBe(1);
    await ui.screenshot(page, 'dashboard-dco-nojs');
  });

  it('shows a society representative their society only, without the unmatched payments tile', async () => {
    const d = await apiGet<DashboardBody>('society_rep', '/api/reports/dashboard');
    const page = await ui.loginAs('society_rep');
    expect(await page.getByTestId('unmatched').count()).toBe(0);
    expect(await page.getByTestId('collected').textContent()).toContain(formatTaka(d.totals.collectedPoisha));
    const rows = page.locator('main > .table-wrap tbody tr');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain('আশ্রয়ণ বহুমুখী সমবায় সমিতি');
    await Promise.all([page.waitForURL((u) => u.pathname === '/societies/SOC-1'), rows.first().getByRole('link').click()]);
    expect(await page.getByTestId('members').textContent()).toBe('১');
  });

  it('fits a 360 px phone and switches to English', async () => {
    const page = await ui.loginAs('district_officer', { phone: true });
    await expect.poll(() => page.locator('canvas').count()).toBe(2);
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await ui.screenshot(page, 'dashboard-dco-phone');
    await ui.switchLanguage(page, 'en');
    await expect.poll(() => page.locator('h1').textContent()).toBe('Dashboard — Jhenaidah');
    expect(await page.getByTestId('in-grace').textContent()).toContain('Loans in grace');
    await ui.screenshot(page, 'dashboard-dco-phone-en');
    const desktop = await ui.loginAs('district_officer');
    await expect.poll(() => desktop.locator('h1').textContent()).toBe('Dashboard — Jhenaidah');
    await expect.poll(() => desktop.locator('canvas').count()).toBe(2);
    await ui.screenshot(desktop, 'dashboard-dco-en');
    await ui.switchLanguage(desktop, 'bn');
    await expect.poll(() => desktop.locator('h1').textContent()).toContain('ড্যাশবোর্ড');
  });
});

describe('offices tree', () => {
  it('drills from the division down to a society and its members, with breadcrumbs back up', async () => {
    const report = await apiGet<CollectionReportBody>('divisional_officer', '/api/reports/collection?officeId=JHENAIDAH');
    const page = await ui.loginAs('divisional_officer');
    await page.goto('/offices');
    expect(await page.locator('h1').textContent()).toContain('খুলনা বিভাগ');
    await Promise.all([page.waitForURL((u) => u.pathname === '/offices/JHENAIDAH'), page.getByRole('link', { name: 'ঝিনাইদহ', exact: true }).click()]);
    expect(await page.getByTestId('total-overdue').textContent()).toBe(formatTaka(report.totals.overduePoisha));
    expect(await page.getByTestId('total-due').textContent()).toBe(formatTaka(report.totals.duePoisha));
    await ui.screenshot(page, 'offices-district');
    await Promise.all([page.waitForURL((u) => u.pathname === '/offices/JHENAIDAH-KALIGANJ'), page.getByRole('link', { name: 'JHENAIDAH-KALIGANJ' }).click()]);
    const crumbs = page.getByRole('navigation', { name: 'অবস্থান' });
    expect(await crumbs.locator('li').allTextContents()).toEqual(['খুলনা বিভাগ', 'ঝিনাইদহ', 'JHENAIDAH-KALIGANJ']);
    await Promise.all([page.waitForURL((u) => u.pathname === '/societies/SOC-JHENAIDAH-KALIGANJ'), page.getByRole('link', { name: 'সমিতি' }).click()]);
    expect(await page.getByTestId('members').textContent()).toBe('২');
    expect(await page.getByTestId('loans').textContent()).toBe('২');
    expect(await page.getByTestId('paid').textContent()).toBe(formatTaka(18_000));
    const row = page.locator('tbody tr', { hasText: 'আমেনা বেগম' });
    expect(await row.textContent()).toContain('অতিরিক্ত সময়ে');
    expect(await row.getByRole('link').getAttribute('href')).toBe(`/loans/${loanK}`);
    await ui.screenshot(page, 'society-division');
    await Promise.all([page.waitForURL((u) => u.pathname === '/offices/JHENAIDAH'), page.getByRole('navigation', { name: 'অবস্থান' }).getByRole('link', { name: 'ঝিনাইদহ' }).click()]);
  });

  it('keeps the period in the address, and says which date is wrong', async () => {
    const period = `from=${monthStart(-1)}&to=${addDays(monthStart(0), -1)}`;
    const lastMonth = await apiGet<CollectionReportBody>('district_officer', `/api/reports/collection?officeId=JHENAIDAH-KALIGANJ&${period}`);
    const page = await ui.loginAs('district_officer', { javaScript: false });
    await page.goto('/offices');
    await page.locator('#period').selectOption('last_month');
    await Promise.all([page.waitForURL(/period=last_month/), page.getByRole('button', { name: 'দেখান' }).click()]);
    await Promise.all([page.waitForURL((u) => u.pathname === '/offices/JHENAIDAH-KALIGANJ'), page.getByRole('link', { name: 'JHENAIDAH-KALIGANJ' }).click()]);
    expect(new URL(page.url()).searchParams.get('period')).toBe('last_month');
    expect(await page.getByTestId('total-collected').textContent()).toBe(formatTaka(lastMonth.totals.collectedPoisha));
    expect(lastMonth.totals.collectedPoisha).toBe(10_000);
    await page.goto('/offices?period=custom&from=2026-05-01&to=2026-04-01');
    expect(await page.locator('[role=alert]').textContent()).toContain('শুরুর তারিখ শেষ তারিখের পরে');
    expect(await page.locator('#from').getAttribute('aria-invalid')).toBe('true');
  });

  it('fits the offices tree and a society page on a 360 px phone', async () => {
    const page = await ui.loginAs('upazila_officer', { phone: true });
    const overflow = () => page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    await page.goto('/offices');
    expect(await page.locator('h1').textContent()).toContain('ঝিনাইদহ সদর');
    expect(await overflow()).toBeLessThanOrEqual(0);
    await ui.screenshot(page, 'offices-uco-phone');
    await page.goto('/societies/SOC-1');
    expect(await page.getByTestId('members').textContent()).toBe('১');
    expect(await overflow()).toBeLessThanOrEqual(0);
    await ui.screenshot(page, 'society-uco-phone');
  });

  it("answers an upazila officer's look at another district with the not-found page", async () => {
    const page = await ui.loginAs('upazila_officer');
    const res = await page.goto('/offices/MAGURA');
    expect(res?.status()).toBe(404);
    const society = await page.goto('/societies/SOC-MAGURA-SADAR');
    expect(society?.status()).toBe(404);
  });
});
