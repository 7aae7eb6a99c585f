// A correction request in the browser, end to end on the real workflow: upazila staff ask, the UCO
// and then the DCO approve (rules/corrections.json), and the borrower's name changes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUiHarness, type UiHarness } from '../ui-harness';

let ui: UiHarness;
beforeAll(async () => {
  ui = await createUiHarness();
}, 240_000);
afterAll(async () => {
  await ui?.close();
});

describe('correction requests in the browser', () => {
  it('is filed by a collector, approved by the UCO then the DCO, and applied; an empty reason to reject is refused', async () => {
    const loanId = ui.api.loans['JHENAIDAH-SADAR']!;
    const borrowerId = ui.api.borrowers['JHENAIDAH-SADAR']!;
    const staff = await ui.loginAs('collector');
    await staff.goto(`/loans/${loanId}`);
    await staff.getByRole('link', { name: 'সংশোধনের আবেদন: ঋণগ্রহীতা' }).click();
    await staff.waitForURL(/\/corrections\/new/);
    await staff.locator('#name').fill('মোছাঃ রহিমা খাতুন');
    await staff.locator('#reason').fill('জাতীয় পরিচয়পত্র অনুযায়ী নামের বানান ঠিক করা');
    await Promise.all([staff.waitForURL(/\/corrections\/[0-9a-f-]{36}$/), staff.getByRole('button', { name: 'আবেদন পাঠান' }).click()]);
    const requestUrl = staff.url();
    await expect.poll(async () => { await staff.reload(); return staff.locator('ol.chain').textContent(); }, { timeout: 20_000 }).toContain('এখন অপেক্ষায়');
    expect(await staff.locator('table.diff').textContent()).toContain('মোছাঃ রহিমা খাতুন');
    await ui.screenshot(staff, 'correction-filed');

    const uco = await ui.loginAs('upazila_officer');
    await uco.goto('/corrections');
    await uco.locator('table').first().getByRole('link').first().click();
    await uco.waitForURL(requestUrl);
    await uco.getByRole('button', { name: 'নামঞ্জুর' }).click();
    await expect.poll(() => uco.locator('.field-error').textContent()).toContain('কারণ মন্তব্যে লিখুন');
    await uco.getByRole('button', { name: 'অনুমোদন' }).click();
    await expect.poll(() => uco.locator('[role=status]').textContent()).toContain('সিদ্ধান্ত লেখা হয়েছে');

    const dco = await ui.loginAs('district_officer', { phone: true });
    await expect.poll(async () => { await dco.goto(requestUrl); return dco.getByRole('button', { name: 'অনুমোদন' }).count(); }, { timeout: 20_000 }).toBe(1);
    await ui.screenshot(dco, 'correction-dco-phone');
    await dco.getByRole('button', { name: 'অনুমোদন' }).click();
    await expect.poll(async () => (await ui.api.sql`SELECT name FROM borrowers WHERE id = ${borrowerId}`)[0]!.name, { timeout: 30_000 }).toBe('মোছাঃ রহিমা খাতুন');
    await expect.poll(async () => { await staff.reload(); return staff.locator('h1').textContent(); }, { timeout: 20_000 }).toContain('প্রয়োগ হয়েছে');
    const history = await staff.locator('table.history').textContent();
    expect(history).toContain('উপজেলা সমবায় অফিসার');
    expect(history).toContain('জেলা সমবায় অফিসার');
    await ui.screenshot(staff, 'correction-applied');
    await staff.getByRole('link', { name: 'রেকর্ডটি দেখুন' }).click();
    await expect.poll(() => staff.locator('main').textContent()).toContain('মোছাঃ রহিমা খাতুন');
  });

  it('does not let the requester decide their own request, and says when nothing was changed', async () => {
    const page = await ui.loginAs('upazila_officer');
    await page.goto(`/corrections/new?entity=loan&id=${ui.api.loans['JHENAIDAH-SADAR']!}`);
    await page.locator('#reason').fill('no change at all here');
    await page.getByRole('button', { name: 'আবেদন পাঠান' }).click();
    await expect.poll(() => page.locator('[role=alert]').textContent()).toContain('কোনো তথ্য বদলানো হয়নি');
  });

  it('is sent back with a comment, revised by its requester without JavaScript, and withdrawn; on a phone in English', async () => {
    const borrowerId = ui.api.borrowers['JHENAIDAH-SADAR']!;
    const staff = await ui.loginAs('collector', { phone: true, javaScript: false });
    await staff.goto(`/corrections/new?entity=borrower&id=${borrowerId}`);
    await staff.locator('#fatherOrHusbandName').fill('আব্দুল করিম');
    await staff.locator('#reason').fill('পিতার নাম জন্মনিবন্ধন অনুযায়ী');
    await Promise.all([staff.waitForURL(/\/corrections\/[0-9a-f-]{36}$/), staff.getByRole('button', { name: 'আবেদন পাঠান' }).click()]);
    const requestUrl = staff.url();

    const uco = await ui.loginAs('upazila_officer');
    await expect.poll(async () => { await uco.goto(requestUrl); return uco.getByRole('button', { name: 'সংশোধনের জন্য ফেরত' }).count(); }, { timeout: 20_000 }).toBe(1);
    await uco.locator('#comment').fill('পুরো নাম লিখুন');
    await uco.getByRole('button', { name: 'সংশোধনের জন্য ফেরত' }).click();
    await expect.poll(() => uco.locator('[role=status]').textContent()).toContain('সিদ্ধান্ত লেখা হয়েছে');

    await expect.poll(async () => { await staff.goto(requestUrl); return staff.locator('#revise-title').count(); }, { timeout: 20_000 }).toBe(1);
    expect(await staff.locator('blockquote').textContent()).toContain('পুরো নাম লিখুন');
    expect(await staff.locator('#fatherOrHusbandName').inputValue()).toBe('আব্দুল করিম');
    await staff.locator('#fatherOrHusbandName').fill('আব্দুল করিম মিয়া');
    await staff.getByRole('button', { name: 'আবার পাঠান' }).click();
    await expect.poll(() => staff.locator('[role=status]').textContent()).toContain('সংশোধিত আবেদন পাঠানো হয়েছে');
    await expect.poll(async () => { await staff.goto(requestUrl); return staff.locator('table.diff').textContent(); }, { timeout: 20_000 }).toContain('আব্দুল করিম মিয়া');

    await ui.switchLanguage(staff, 'en');
    await staff.goto(requestUrl);
    await expect.poll(() => staff.locator('h1').textContent()).toContain('Pending');
    expect(await staff.locator('table.history').textContent()).toContain('Sent back');
    const overflow = await staff.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await ui.screenshot(staff, 'correction-revised-phone-en');
    await staff.getByRole('button', { name: 'Withdraw my request' }).click();
    await expect.poll(async () => { await staff.goto(requestUrl); return staff.locator('h1').textContent(); }, { timeout: 20_000 }).toContain('Withdrawn');
    await staff.goto('/corrections');
    await ui.screenshot(staff, 'corrections-list-phone-en');
  });
});
