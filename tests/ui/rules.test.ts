// The rules page in the browser: the policy in force in words, a policymaker's edit checked and
// tried on today's loans before it is activated, the versions with their difference, and nobody
// else able to change anything. The harness's API reads its own copy of the rules folder.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertLoan } from '../direct-loans';
import { createUiHarness, type UiHarness } from '../ui-harness';

let ui: UiHarness;
beforeAll(async () => {
  ui = await createUiHarness();
}, 240_000);
afterAll(async () => {
  await ui?.close();
});

const REPO_RULES = path.resolve(import.meta.dirname, '../../rules');
const fits360 = async (page: Page) => expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
/** Submits with a button and waits for the page the server answers with (the forms work without JavaScript). */
const submit = async (page: Page, name: string) => Promise.all([page.waitForEvent('load'), page.getByRole('button', { name }).click()]);

describe('the rules page', () => {
  it('shows an officer the policy in force in words, in Bengali and in English on a phone', async () => {
    const page = await ui.loginAs('auditor');
    await page.goto('/rules');
    const grace = await page.locator('#grace').textContent();
    expect(grace).toContain('শেষ তারিখের পরও ২ সেকেন্ড পর্যন্ত কিস্তি দেওয়া যায়');
    expect(grace).toContain('সব ঋণে');
    const defaults = await page.locator('#default').textContent();
    expect(defaults).toContain('বকেয়া কিস্তির সংখ্যা ১ বা তার বেশি');
    expect(defaults).toContain('কালো তালিকাভুক্ত');
    expect(await page.locator('#products table').textContent()).toContain('মাসিক');
    expect(await page.locator('#reminders').textContent()).toMatch(/শেষ সময়ের .+ আগে এসএমএস রিমাইন্ডার যায়/);
    expect(await page.locator('#corrections').textContent()).toContain('→');
    // The raw file is there, folded away.
    expect(await page.locator('#grace details pre').textContent()).toContain('"grace": "2s"');
    await ui.screenshot(page, 'rules-bn');

    const phone = await ui.loginAs('auditor', { phone: true });
    await phone.goto('/rules');
    await ui.switchLanguage(phone, 'en');
    await expect.poll(() => phone.locator('#grace').textContent()).toContain('An unpaid installment may still be paid for 2 seconds after its deadline');
    expect(await phone.locator('#default').textContent()).toContain('missed installments 2 or more');
    await phone.waitForLoadState('networkidle');
    await ui.screenshot(phone, 'rules-phone-en');
    await fits360(phone);
    await ui.switchLanguage(phone, 'bn');
    await expect.poll(() => phone.locator('h1').textContent()).toBe('নীতিমালা');
  });

  it('lets headquarters check a stricter default policy without JavaScript, see which loans it would change, and activate it', async () => {
    const loan = await insertLoan(ui.api.sql, { society: 'SOC-1', office: 'JHENAIDAH-SADAR', district: 'JHENAIDAH', status: 'defaulted', borrowerName: 'সালমা খাতুন', installments: [{ k: -2, day: 5, amount: 10_000 }, { k: 2, day: 5, amount: 10_000 }] });
    await ui.api.sql`UPDATE installments SET status = 'overdue' WHERE loan_id = ${loan.loanId} AND seq = 1`;
    const repoDefault = await readFile(path.join(REPO_RULES, 'default.json'), 'utf8');

    const hq = await (await ui.context({ javaScript: false })).newPage();
    await hq.goto('/login');
    await hq.locator('#login').fill(ui.api.accounts.hq_admin.username);
    await hq.locator('#password').fill('correct horse battery');
    await Promise.all([hq.waitForURL((u) => !u.pathname.startsWith('/login')), hq.locator('form button').last().click()]);
    await hq.goto('/rules/default');
    const editor = hq.locator('#content');
    const current = JSON.parse(await editor.inputValue()) as { label: string; rules: unknown[] };

    // Broken JSON: refused in plain words, the validator's own reason shown, the text kept for fixing.
    await editor.fill('{"kind": "default",');
    await submit(hq, 'যাচাই ও প্রভাব দেখুন');
    const invalid = await hq.locator('#content-error').textContent();
    expect(invalid).toContain('ফাইলটি গ্রহণযোগ্য নয়');
    expect(invalid).toContain('not valid JSON');
    expect(await hq.locator('#content').inputValue()).toBe('{"kind": "default",');
    // A rule the schema refuses: the place inside the file is named.
    await hq.locator('#content').fill(JSON.stringify({ ...current, rules: [{ name: 'x', conditions: { all: [] }, event: { type: 'punish' } }] }));
    await submit(hq, 'যাচাই ও প্রভাব দেখুন');
    expect(await hq.locator('#content-error code').textContent()).toMatch(/^rules\[0\]/);

    const stricter = { ...current, label: 'stricter', rules: [...current.rules, { name: 'blacklist-on-first-miss', conditions: { all: [{ fact: 'missedInstallments', operator: 'greaterThanInclusive', value: 1 }] }, event: { type: 'blacklist', params: { reason: 'first miss' } } }] };
    await hq.locator('#content').fill(JSON.stringify(stricter, null, 2));
    await submit(hq, 'যাচাই ও প্রভাব দেখুন');
    const whatIf = hq.locator('.whatif');
    expect(await whatIf.textContent()).toContain(loan.code);
    expect(await whatIf.locator('[data-transition="defaulted→blacklisted"] td.num').textContent()).toBe('১');
    expect(await whatIf.locator('table.loans').textContent()).toContain('৳১০০');
    await ui.screenshot(hq, 'rules-what-if');

    // Activating needs a reason; without one nothing is written.
    await submit(hq, 'চালু করুন');
    expect(await hq.locator('.field-error').textContent()).toContain('কারণ');
    expect(await readFile(path.join(ui.api.h.rulesDir, 'default.json'), 'utf8')).not.toContain('blacklist-on-first-miss');
    await hq.locator('#reason').fill('মন্ত্রণালয়ের পরিপত্র ১২/২০২৬');
    await submit(hq, 'চালু করুন');
    expect(await hq.locator('[role=status]').textContent()).toContain('stricter+');
    expect(await readFile(path.join(ui.api.h.rulesDir, 'default.json'), 'utf8')).toContain('blacklist-on-first-miss');
    expect(await readFile(path.join(REPO_RULES, 'default.json'), 'utf8')).toBe(repoDefault);

    // The new version heads the list, with who and why; the difference shows the added rule.
    await Promise.all([hq.waitForEvent('load'), hq.getByRole('link', { name: 'পার্থক্য দেখুন' }).first().click()]);
    const top = hq.locator('table.versions tbody tr').first();
    expect(await top.textContent()).toContain('stricter');
    expect(await top.textContent()).toContain('চালু');
    expect(await top.textContent()).toContain('মন্ত্রণালয়ের পরিপত্র');
    const diff = hq.locator('table.diff');
    expect(await diff.locator('tr.added').textContent()).toContain('blacklist-on-first-miss');
    expect(await diff.locator('tr.changed').textContent()).toContain('"stricter"');
    await ui.screenshot(hq, 'rules-default-diff');
    await hq.goto('/rules');
    expect(await hq.locator('#default').textContent()).toContain('blacklist-on-first-miss');
  });

  it('shows headquarters on a phone, in English, what a month of grace would have done to today’s loans', async () => {
    const recent = await insertLoan(ui.api.sql, { society: 'SOC-1', office: 'JHENAIDAH-SADAR', district: 'JHENAIDAH', status: 'overdue', installments: [{ k: 2, day: 5, amount: 10_000 }] });
    await ui.api.sql`UPDATE installments SET due_at = now() - interval '10 days', status = 'overdue' WHERE loan_id = ${recent.loanId}`;
    const hq = await ui.loginAs('hq_admin', { phone: true });
    await hq.goto('/rules/grace');
    await ui.switchLanguage(hq, 'en');
    await expect.poll(() => hq.locator('h1').textContent()).toContain('Grace period');
    const grace = JSON.parse(await hq.locator('#content').inputValue()) as { rules: { event: { params: { grace: string } } }[] };
    grace.rules[0]!.event.params.grace = '30d';
    await hq.locator('#content').fill(JSON.stringify(grace, null, 2));
    await hq.getByRole('button', { name: 'Check and show the effect' }).click();
    await expect.poll(() => hq.locator('.whatif').textContent()).toContain(recent.code);
    const text = await hq.locator('.whatif').textContent();
    expect(text).toContain('Open loans keep the rules pinned when they were disbursed');
    expect(await hq.locator('.whatif table.loans').textContent()).toContain('In grace');
    await ui.screenshot(hq, 'rules-grace-what-if-phone-en');
    await fits360(hq);
    await ui.switchLanguage(hq, 'bn');
    await expect.poll(() => hq.locator('h1').textContent()).toContain('অতিরিক্ত সময়');
  });

  it('gives other officers no editor and refuses a forged change; society representatives do not see the rules', async () => {
    const file = path.join(ui.api.h.rulesDir, 'default.json');
    const before = await readFile(file, 'utf8');
    const dco = await ui.loginAs('district_officer');
    await dco.goto('/rules/default');
    expect(await dco.locator('#content').count()).toBe(0);
    expect(await dco.locator('main').textContent()).toContain('শুধু সদর দপ্তরের নীতিনির্ধারক');
    const content = JSON.stringify({ ...JSON.parse(before), label: 'forged' });
    const put = await dco.request.put('/api/rules/default', { data: { content, reason: 'forged change' } });
    expect(put.status()).toBe(403);
    const action = await dco.request.post('/rules/default?/activate', { form: { content, reason: 'forged change' }, headers: { origin: ui.url } });
    expect(await action.text()).toMatch(/"status":403/);
    expect(await readFile(file, 'utf8')).toBe(before);

    const rep = await ui.loginAs('society_rep');
    expect((await rep.goto('/rules'))?.status()).toBe(403);
  });
});
