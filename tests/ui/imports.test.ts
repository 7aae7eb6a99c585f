// Importing a ledger in the browser: a file with bad rows gets every error listed by row and column
// and nothing saved; a good file runs to 100 % with its loans' workflows started.
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, toDhakaDate } from '../../domain/dhaka-time';
import { TEMPLATE_COLUMNS } from '../../import/template';
import { createUiHarness, type UiHarness } from '../ui-harness';

let ui: UiHarness;
beforeAll(async () => {
  ui = await createUiHarness();
}, 240_000);
afterAll(async () => {
  await ui?.close();
});

type Row = Partial<Record<(typeof TEMPLATE_COLUMNS)[number]['key'], string>>;
async function csvFile(name: string, rows: Row[]): Promise<string> {
  const field = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const lines = [TEMPLATE_COLUMNS.map((c) => field(c.headerBn)).join(','), ...rows.map((r) => TEMPLATE_COLUMNS.map((c) => field(r[c.key] ?? '')).join(','))];
  const file = path.join(os.tmpdir(), `${Date.now()}-${name}`);
  await writeFile(file, `\ufeff${lines.join('\r\n')}\r\n`);
  return file;
}
const disbursed = addDays(toDhakaDate(Date.now()), -3).split('-').reverse().join('/');
const row = (n: number, extra: Row = {}): Row => ({ societyId: 'SOC-1', borrowerName: `আমদানি ঋণগ্রহীতা ${n}`, fatherOrHusbandName: 'করিম মিয়া', productCode: 'MONTHLY', principalTaka: '১২,০০০', disbursedOn: disbursed, ...extra });

describe('importing in the browser', () => {
  it('lists every bad row with its row number and column, and saves nothing', async () => {
    const page = await ui.loginAs('upazila_officer');
    await page.goto('/imports');
    const before = (await ui.api.sql`SELECT count(*)::int AS n FROM loans`)[0]!.n;
    await page.locator('#file').setInputFiles(await csvFile('bad.csv', [row(1), row(2, { mobile: '01212345678' }), row(3, { principalTaka: 'অনেক' })]));
    await Promise.all([page.waitForURL(/\/imports\/[0-9a-f-]{36}$/), page.getByRole('button', { name: 'তুলুন' }).click()]);
    await expect.poll(async () => page.locator('table tbody tr').count(), { timeout: 30_000 }).toBe(2);
    const table = await page.locator('table').textContent();
    expect(table).toContain('01212345678');
    expect(table).toMatch(/৩/); // row 3 (the header is row 1)
    expect(await page.locator('.notice').textContent()).toContain('কিছুই সংরক্ষণ হয়নি');
    expect((await ui.api.sql`SELECT count(*)::int AS n FROM loans`)[0]!.n).toBe(before);
    await ui.screenshot(page, 'import-errors');
    await ui.switchLanguage(page, 'en');
    await page.reload();
    await expect.poll(() => page.locator('.notice').textContent()).toContain('Nothing was saved');
    await ui.screenshot(page, 'import-errors-en');
    await ui.switchLanguage(page, 'bn');
  });

  it('runs a good file to 100 % with a live progress bar, and the loans are there', async () => {
    const page = await ui.loginAs('upazila_officer', { phone: true });
    await page.goto('/imports');
    await page.locator('#file').setInputFiles(await csvFile('good.csv', [row(11), row(12), row(13)]));
    await Promise.all([page.waitForURL(/\/imports\/[0-9a-f-]{36}$/), page.getByRole('button', { name: 'তুলুন' }).click()]);
    await expect.poll(() => page.locator('[role=status]').textContent(), { timeout: 60_000 }).toContain('৩টি ঋণ আমদানি হয়েছে');
    expect(await page.locator('progress').getAttribute('value')).toBe('100');
    await ui.screenshot(page, 'import-done-phone');
    expect((await ui.api.sql`SELECT count(*)::int AS n FROM borrowers WHERE name LIKE 'আমদানি ঋণগ্রহীতা 1_'`)[0]!.n).toBe(3);

    // An imported loan's workflow sleeps until its first reminder; its page says when, in Bengali.
    const [loan] = await ui.api.sql<{ id: string }[]>`SELECT l.id FROM loans l JOIN borrowers b ON b.id = l.borrower_id WHERE b.name = 'আমদানি ঋণগ্রহীতা 11'`;
    await page.goto(`/loans/${loan!.id}`);
    const note = await page.locator('.workflow').textContent();
    expect(note).toContain('ঘুমিয়ে আছে');
    expect(note).toMatch(/[০-৯]/);
    await ui.screenshot(page, 'imported-loan-asleep-phone');
  });

  it('works without JavaScript: the job page refreshes itself until the import is done', async () => {
    const page = await ui.loginAs('upazila_officer', { javaScript: false });
    await page.goto('/imports');
    await page.locator('#file').setInputFiles(await csvFile('nojs.csv', [row(21)]));
    await Promise.all([page.waitForURL(/\/imports\/[0-9a-f-]{36}$/), page.getByRole('button', { name: 'তুলুন' }).click()]);
    // No reload from the test: the page's own <meta http-equiv="refresh"> brings the finished state.
    await expect.poll(() => page.locator('progress').getAttribute('value'), { timeout: 60_000, interval: 500 }).toBe('100');
    expect(await page.locator('[role=status]').textContent()).toContain('১টি ঋণ আমদানি হয়েছে');
    expect(await page.locator('meta[http-equiv=refresh]').count()).toBe(0);
    await page.goto('/imports');
    expect(await page.locator('table').textContent()).toContain('nojs.csv');
    await ui.screenshot(page, 'imports-list');
  });

  it('offers the template as a download', async () => {
    const page = await ui.loginAs('collector');
    await page.goto('/imports');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'খালি ছক (CSV)' }).click()]);
    expect(download.suggestedFilename()).toBe('asrayon-import-template.csv');
  });
});
