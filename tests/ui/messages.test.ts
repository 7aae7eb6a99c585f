import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUiHarness, type UiHarness } from '../ui-harness';

let ui: UiHarness;
beforeAll(async () => {
  ui = await createUiHarness();
  const { sql, loans, borrowers } = ui.api;
  await sql`INSERT INTO outbox (idempotency_key, channel, recipient, borrower_id, loan_id, template, params, body, status, segments, cost_poisha, sent_at, attempts, last_error)
    VALUES ('ui-1', 'sms', '01712345678', ${borrowers['JHENAIDAH-SADAR']!}, ${loans['JHENAIDAH-SADAR']!}, 'installment_reminder', '{}',
            'প্রিয় রহিমা, ১০ ডিসেম্বরের মধ্যে ৳১,০৫০ কিস্তি দিন। কোড JS-7Q2K', 'delivered', 1, 35, now(), 1, null),
           ('ui-2', 'sms', '01712345678', ${borrowers['JHENAIDAH-SADAR']!}, ${loans['JHENAIDAH-SADAR']!}, 'grace_warning', '{}',
            'অতিরিক্ত সময় শেষ হচ্ছে', 'failed', 1, 0, null, 5, 'number refused by the operator'),
           ('ui-3', 'sms', '01712345678', ${borrowers['JHENAIDAH-KALIGANJ']!}, ${loans['JHENAIDAH-KALIGANJ']!}, 'installment_reminder', '{}',
            'কালীগঞ্জের বার্তা', 'delivered', 1, 35, now(), 1, null)`;
}, 240_000);
afterAll(async () => {
  await ui?.close();
});

describe('messages page', () => {
  it('shows an upazila officer their borrowers’ messages with status, parts and cost, filtered without JavaScript', async () => {
    const page = await ui.loginAs('upazila_officer', { javaScript: false });
    await page.goto('/messages?template=installment_reminder');
    const body = await page.locator('tbody').textContent();
    expect(body).toContain('১০ ডিসেম্বরের মধ্যে');
    expect(body).toContain('০১৭১২৩৪৫৬৭৮');
    expect(body).not.toContain('কালীগঞ্জের বার্তা');
    expect(await page.locator('.totals').textContent()).toContain('৳০.৩৫');
    await page.locator('#status').selectOption('failed');
    await page.locator('#template').selectOption('');
    await Promise.all([page.waitForURL(/status=failed/), page.getByRole('button', { name: 'ছাঁকুন' }).click()]);
    expect(await page.locator('tbody tr').count()).toBe(1);
    expect(await page.locator('tbody').textContent()).toContain('number refused by the operator');
    expect(await page.locator('tbody').textContent()).toContain('৫ বার চেষ্টা');
    await ui.screenshot(page, 'messages-uco-failed');
  });

  it('fits a phone', async () => {
    const page = await ui.loginAs('district_officer', { phone: true });
    await page.goto('/messages');
    expect(await page.locator('tbody tr').count()).toBeGreaterThanOrEqual(3);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    await ui.screenshot(page, 'messages-dco-phone');
  });
});
