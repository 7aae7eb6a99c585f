// The defaulter list (as of a date) and the blacklist in the browser, with their downloads. The loans
// and their statuses are written straight into the tables (tests/direct-loans.ts), so the pages are
// tested on their own; the rules that decide them are tested in tests/loan-*.test.ts.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dayIn, insertLoan, insertStatusEvent } from '../direct-loans';
import { createUiHarness, type UiHarness } from '../ui-harness';

let ui: UiHarness;
const DAY_MS = 86_400_000;

const loans: Record<string, { loanId: string; borrowerId: string; code: string }> = {};

beforeAll(async () => {
  ui = await createUiHarness();
  const { sql } = ui.api;
  // Sadar's loan defaulted ten days ago; Kaliganj's was blacklisted five days ago (both disbursed months back).
  loans['JHENAIDAH-SADAR'] = await insertLoan(sql, { society: 'SOC-1', office: 'JHENAIDAH-SADAR', district: 'JHENAIDAH', status: 'defaulted', installments: [{ k: -2, day: 5, amount: 10_000 }] });
  loans['JHENAIDAH-KALIGANJ'] = await insertLoan(sql, { society: 'SOC-JHENAIDAH-KALIGANJ', office: 'JHENAIDAH-KALIGANJ', district: 'JHENAIDAH', status: 'blacklisted', installments: [{ k: -2, day: 5, amount: 10_000 }] });
  for (const l of Object.values(loans)) await insertStatusEvent(sql, l.loanId, 'active', dayIn(-3, 1));
  await insertStatusEvent(sql, loans['JHENAIDAH-SADAR'].loanId, 'defaulted', new Date(Date.now() - 10 * DAY_MS));
  await insertStatusEvent(sql, loans['JHENAIDAH-KALIGANJ'].loanId, 'blacklisted', new Date(Date.now() - 5 * DAY_MS));
  await sql`INSERT INTO blacklist (borrower_id, loan_id, listed_at, rule_name, rule_version, facts)
    VALUES (${loans['JHENAIDAH-KALIGANJ'].borrowerId}, ${loans['JHENAIDAH-KALIGANJ'].loanId}, ${new Date(Date.now() - 5 * DAY_MS)}, 'blacklist-after-default', '2', '{}')`;
}, 240_000);
afterAll(async () => {
  await ui?.close();
});

const codeOf = async (upazila: string) => loans[upazila]!.code;

describe('defaulter list and blacklist pages', () => {
  it('shows a district officer the defaulters of the district now, and as they were on an earlier date', async () => {
    const page = await ui.loginAs('district_officer');
    await page.goto('/defaulters');
    const rows = page.locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    expect(await page.locator('tbody').textContent()).toContain(await codeOf('JHENAIDAH-SADAR'));
    expect(await page.locator('tbody').textContent()).toContain('খেলাপি');
    await ui.screenshot(page, 'defaulters-dco');
    // Seven days ago only the Sadar loan had defaulted.
    const sevenDaysAgo = new Date(Date.now() + 6 * 3_600_000 - 7 * DAY_MS).toISOString().slice(0, 10);
    await page.locator('#asOf').fill(sevenDaysAgo);
    await Promise.all([page.waitForURL(/asOf=/), page.getByRole('button', { name: 'ছাঁকুন' }).click()]);
    await expect.poll(() => rows.count()).toBe(1);
    expect(await page.locator('tbody').textContent()).toContain(await codeOf('JHENAIDAH-SADAR'));
  });

  it('downloads the printable PDF of the list the page shows', async () => {
    const page = await ui.loginAs('district_officer');
    await page.goto('/defaulters');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'PDF' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^defaulters_JHENAIDAH_\d{4}-\d{2}-\d{2}\.pdf$/);
    const bytes = await readFile((await download.path())!);
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('shows an upazila officer only their own upazila, at phone width, and the blacklist in English', async () => {
    const page = await ui.loginAs('upazila_officer', { phone: true });
    await page.goto('/defaulters');
    await expect.poll(() => page.locator('tbody tr').count()).toBe(1);
    expect(await page.locator('tbody').textContent()).not.toContain(await codeOf('JHENAIDAH-KALIGANJ'));
    await ui.screenshot(page, 'defaulters-uco-phone');
    const width = await page.evaluate('document.documentElement.scrollWidth');
    expect(width).toBeLessThanOrEqual(360);

    const dco = await ui.loginAs('district_officer');
    await ui.switchLanguage(dco, 'en');
    await dco.goto('/blacklist');
    await expect.poll(() => dco.locator('h1').textContent()).toBe('Blacklist');
    expect(await dco.locator('tbody').textContent()).toContain(await codeOf('JHENAIDAH-KALIGANJ'));
    expect(await dco.locator('tbody').textContent()).toContain('blacklist-after-default');
    await ui.screenshot(dco, 'blacklist-en');
    await ui.switchLanguage(dco, 'bn');
  });

  it('shows a long list a hundred at a time, biggest unpaid first, with the whole list’s count and total on every page', async () => {
    // 101 more defaulters in Sadar, owing 1 000 to 101 000 taka: with the two above, 103 loans.
    for (let n = 1; n <= 101; n++) {
      await insertLoan(ui.api.sql, { society: 'SOC-1', office: 'JHENAIDAH-SADAR', district: 'JHENAIDAH', status: 'defaulted', installments: [{ k: -1, day: 5, amount: n * 100_000 }] });
    }
    const page = await ui.loginAs('district_officer');
    await page.goto('/defaulters');
    const rows = page.locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(100);
    expect(await rows.first().locator('td.num').first().textContent()).toContain('১,০১,০০০');
    const foot = async () => (await page.locator('tfoot').textContent())!.replace(/\s+/g, ' ');
    expect(await foot()).toContain('(১০৩)');
    const total = await foot();
    expect(await page.getByText('এই পাতায় ১০০টি, মোট ১০৩টি').count()).toBe(1);
    await ui.screenshot(page, 'defaulters-paged');
    await Promise.all([page.waitForURL(/cursor=/), page.getByRole('link', { name: 'আরও দেখুন' }).click()]);
    await expect.poll(() => rows.count()).toBe(3);
    expect(await foot()).toBe(total); // the totals are the whole list's on every page
    expect(await page.getByRole('link', { name: 'আরও দেখুন' }).count()).toBe(0);
  });
});
