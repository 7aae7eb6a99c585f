// Loans in the browser: the list, a loan's page with its live workflow state and history, and a cash
// receipt recorded by an officer turning the first installment paid.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUiHarness, type UiHarness } from '../ui-harness';

let ui: UiHarness;
let sadar: { id: string; code: string; firstPoisha: number };

beforeAll(async () => {
  ui = await createUiHarness();
  const id = ui.api.loans['JHENAIDAH-SADAR']!;
  const res = (await (await ui.api.request(await ui.api.as('upazila_officer'), 'GET', `/api/loans/${id}`)).json()) as { loan: { code: string }; installments: { amountPoisha: number }[] };
  sadar = { id, code: res.loan.code, firstPoisha: res.installments[0]!.amountPoisha };
}, 240_000);
afterAll(async () => {
  await ui?.close();
});

describe('loans in the browser', () => {
  it('walks from the list to a loan: live state, next timer in words, and the history with its rules', async () => {
    const page = await ui.loginAs('upazila_officer');
    await page.goto('/loans');
    await ui.screenshot(page, 'loans-list');
    await page.getByRole('link', { name: sadar.code }).click();
    await page.waitForURL(`**/loans/${sadar.id}`);
    const workflow = page.locator('section.workflow');
    expect(await workflow.textContent()).toContain('চলমান');
    expect(await workflow.locator('.next').textContent()).toMatch(/(রিমাইন্ডার যাবে|শেষ তারিখ) .*২০২/);
    expect(await page.locator('ol.timeline').textContent()).toContain('ঋণ বিতরণ');
    expect(await page.locator('ol.timeline').textContent()).toContain('নিয়ম:');
    await ui.screenshot(page, 'loan-uco');
    // The borrower's page: details and every loan of theirs.
    await Promise.all([page.waitForURL(/\/borrowers\//), page.getByRole('link', { name: /^Borrower JHENAIDAH-SADAR$/ }).click()]);
    expect(await page.locator('dl').textContent()).toContain('০১৭১২৩৪৫৬৭৮');
    expect(await page.locator('tbody').textContent()).toContain(sadar.code);
    await ui.screenshot(page, 'borrower');
  });

  it('records a cash receipt: the first installment turns paid, and the same receipt twice is one payment', async () => {
    const page = await ui.loginAs('upazila_officer');
    await page.goto(`/loans/${sadar.id}`);
    await page.locator('#receiptNo').fill('R-1001');
    await page.locator('#amount').fill(String(sadar.firstPoisha / 100));
    await page.getByRole('button', { name: 'নগদ/ব্যাংক জমা লিখুন' }).click();
    await expect.poll(() => page.locator('[role=status]').textContent(), { timeout: 30_000 }).toContain('প্রয়োগ হয়েছে');
    await page.goto(`/loans/${sadar.id}`);
    await expect.poll(async () => page.locator('tr[data-seq="1"]').textContent(), { timeout: 20_000 }).toContain('পরিশোধিত');
    expect(await page.locator('ol.timeline').textContent()).toContain('জমা পাওয়া গেছে');
    await ui.screenshot(page, 'loan-paid');
    const payments = (await ui.api.sql`SELECT count(*)::int AS n FROM payments WHERE loan_id = ${sadar.id}`)[0]!.n;
    await page.locator('#receiptNo').fill('R-1001');
    await page.locator('#amount').fill(String(sadar.firstPoisha / 100));
    await page.getByRole('button', { name: 'নগদ/ব্যাংক জমা লিখুন' }).click();
    await page.waitForLoadState('networkidle');
    expect((await ui.api.sql`SELECT count(*)::int AS n FROM payments WHERE loan_id = ${sadar.id}`)[0]!.n).toBe(payments);
  });

  it('says plainly what is wrong with an amount, and a collector records a receipt, without JavaScript', async () => {
    const page = await ui.loginAs('collector', { javaScript: false });
    await page.goto(`/loans/${sadar.id}`);
    await page.locator('#receiptNo').fill('R-2002');
    await page.locator('#amount').fill('এক হাজার');
    await page.getByRole('button', { name: 'নগদ/ব্যাংক জমা লিখুন' }).click();
    expect(await page.locator('.field-error').textContent()).toContain('টাকার পরিমাণ সঠিক নয়');
    expect(await page.locator('#amount').inputValue()).toBe('এক হাজার');
    // The same form, corrected, records the collector's receipt: the next installment turns paid.
    await page.locator('#amount').fill(String(sadar.firstPoisha / 100));
    await page.getByRole('button', { name: 'নগদ/ব্যাংক জমা লিখুন' }).click();
    expect(await page.locator('[role=status]').textContent()).toContain('প্রয়োগ হয়েছে');
    await expect.poll(async () => {
      await page.goto(`/loans/${sadar.id}`);
      return page.locator('tr[data-seq="2"]').textContent();
    }, { timeout: 20_000 }).toContain('পরিশোধিত');
  });

  it('shows an auditor no receipt form and refuses a forged one; fits a phone in English', async () => {
    const page = await ui.loginAs('auditor', { phone: true });
    await page.goto(`/loans/${sadar.id}`);
    expect(await page.locator('#receiptNo').count()).toBe(0);
    const before = (await ui.api.sql`SELECT count(*)::int AS n FROM payments`)[0]!.n;
    const forged = await page.request.post(`/loans/${sadar.id}?/pay`, { form: { receiptNo: 'R-9', amount: '100', provider: 'cash' }, headers: { origin: ui.url } });
    expect(await forged.text()).toMatch(/"status":403|forbidden|may not/i);
    expect((await ui.api.sql`SELECT count(*)::int AS n FROM payments`)[0]!.n).toBe(before);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    await ui.screenshot(page, 'loan-auditor-phone-bn');
    await ui.switchLanguage(page, 'en');
    await page.waitForLoadState('networkidle');
    expect(await page.locator('h2').first().textContent()).toContain("The loan's workflow");
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    await ui.screenshot(page, 'loan-auditor-phone-en');
    await ui.switchLanguage(page, 'bn');
  });
});
