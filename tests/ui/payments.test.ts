// Payments in the browser: recent payments, the unmatched queue (an officer gives a bKash payment to
// a loan by its code, and the loan's workflow applies it), and the reconciliation view.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storePayment } from '../../payments/receive-payment';
import { createUiHarness, type UiHarness } from '../ui-harness';

let ui: UiHarness;
beforeAll(async () => {
  ui = await createUiHarness();
}, 240_000);
afterAll(async () => {
  await ui?.close();
});

describe('payments in the browser', () => {
  it('lets the UCO give an unmatched bKash payment to a loan by its code, which then pays the loan', async () => {
    const loanId = ui.api.loans['JHENAIDAH-SADAR']!;
    const [loan] = await ui.api.sql`SELECT code FROM loans WHERE id = ${loanId}`;
    await storePayment(ui.api.sql, { trxId: 'BKUNMATCHED1', amountPoisha: 50_000, paidAt: Date.now(), provider: 'bkash', officeId: 'JHENAIDAH-SADAR', recordedBy: 'test', reference: 'ভুল রেফারেন্স', payerMsisdn: '8801999999999' });
    const page = await ui.loginAs('upazila_officer');
    await page.goto('/payments/unmatched');
    expect(await page.locator('tbody').textContent()).toContain('৳৫০০');
    await ui.screenshot(page, 'payments-unmatched-queue');
    await page.locator('input[name=loanCode]').first().fill('NOSUCH');
    await page.getByRole('button', { name: 'ঋণে যুক্ত করুন' }).first().click();
    await expect.poll(() => page.locator('.field-error').textContent()).toContain('NOSUCH');
    await page.locator('input[name=loanCode]').first().fill(String(loan!.code).toLowerCase());
    await page.getByRole('button', { name: 'ঋণে যুক্ত করুন' }).first().click();
    await expect.poll(() => page.locator('[role=status]').textContent()).toContain(String(loan!.code));
    await expect.poll(async () => (await ui.api.sql`SELECT status FROM payments WHERE trx_id = 'BKUNMATCHED1'`)[0]!.status, { timeout: 30_000 }).toBe('applied');
    await ui.screenshot(page, 'payments-unmatched');
    await page.goto('/payments');
    expect(await page.locator('tbody').textContent()).toContain('BKUNMATCHED1');
    await page.goto('/payments/reconciliation');
    expect(await page.locator('h2').first().textContent()).toContain('দিন অনুযায়ী');
    expect(await page.locator('tbody').first().textContent()).toContain('৳৫০০');
    await ui.screenshot(page, 'payments-reconciliation');
  });

  it('lists recent payments on a phone in English, filtered by status', async () => {
    const page = await ui.loginAs('district_officer', { phone: true });
    await ui.switchLanguage(page, 'en');
    await page.waitForLoadState('networkidle');
    await page.goto('/payments?status=applied');
    expect(await page.locator('#status').inputValue()).toBe('applied');
    expect(await page.locator('tbody').textContent()).toContain('BKUNMATCHED1');
    expect(await page.locator('tbody').textContent()).toContain('applied');
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    await ui.screenshot(page, 'payments-phone-en');
    await page.goto('/payments?status=held');
    expect(await page.locator('tbody').textContent()).toContain('No payments');
    await ui.switchLanguage(page, 'bn');
  });

  it('hides the queue from a society representative', async () => {
    const page = await ui.loginAs('society_rep');
    await page.goto('/payments/unmatched');
    expect(await page.locator('tbody').textContent()).toContain('কোনো অমিলিত পেমেন্ট নেই');
  });
});
