import { mkdtemp, writeFile, cp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { countSegments } from './segments';
import { loadTemplates, loadTemplatesSync, parseTemplate, renderReminder, TEMPLATES_DIR } from './templates';

const typical = { name: 'রহিমা খাতুন', amountDuePoisha: 125_000, dueDate: '2026-12-10', loanCode: 'K7M2Q9XA' };

describe('templates', () => {
  it('the shipped reminder renders in Bengali to one UCS-2 part (≤ 70) for typical values', async () => {
    const set = await loadTemplates();
    const text = renderReminder(set, typical);
    expect(text).toBe('রহিমা খাতুন, কিস্তি ৳১,২৫০ জমার শেষ দিন ১০ ডিসেম্বর ২০২৬। ঋণ K7M2Q9XA');
    expect(text.length).toBeLessThanOrEqual(70);
    expect(countSegments(text)).toMatchObject({ encoding: 'UCS-2', segments: 1 });
    expect(renderReminder(loadTemplatesSync(), typical)).toBe(text);
  });

  it('a long name falls back to the first word so the reminder stays one part; amount and date are kept', async () => {
    const set = await loadTemplates();
    const text = renderReminder(set, { ...typical, name: 'মোছাম্মৎ রহিমা খাতুন বেগম', amountDuePoisha: 1_234_500 });
    expect(text).toContain('৳১২,৩৪৫');
    expect(text).toContain('১০ ডিসেম্বর ২০২৬');
    expect(countSegments(text).segments).toBe(1);
  });

  it('the version with a payment link costs two parts (a link cannot fit in 70 Bengali characters)', async () => {
    const set = await loadTemplates();
    const text = renderReminder(set, { ...typical, payLink: 'https://asrayon.gov.bd/p/K7M2Q9XA' }, 'installment_reminder_with_link');
    expect(text).toContain('https://asrayon.gov.bd/p/K7M2Q9XA');
    expect(countSegments(text).segments).toBe(2);
  });

  it('refuses an unknown placeholder, naming the file and what is allowed', () => {
    expect(() => parseTemplate('installment_reminder', '/x/installment_reminder.txt', 'কিস্তি {amout} শেষ দিন {deadline}')).toThrow(
      /\/x\/installment_reminder\.txt: unknown placeholder \{amout\}; allowed: \{name\} \{amount\}/,
    );
  });

  it('refuses a template without the amount or the deadline, an unmatched brace, and an empty file', () => {
    expect(() => parseTemplate('installment_reminder', 'f.txt', '{name}, কিস্তি শেষ দিন {deadline}')).toThrow(/f\.txt: must contain \{amount\}/);
    expect(() => parseTemplate('installment_reminder', 'f.txt', '{amount} {deadline} {name')).toThrow(/f\.txt: unmatched "\{"/);
    expect(() => parseTemplate('installment_reminder', 'f.txt', '# only a note\n')).toThrow(/f\.txt: the message is empty/);
    expect(() => parseTemplate('loan_poem', 'loan_poem.txt', '{amount}')).toThrow(/loan_poem\.txt: no template called "loan_poem"/);
  });

  it('loading a folder with a bad file fails with that file\'s path', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sms-templates-'));
    await cp(TEMPLATES_DIR, dir, { recursive: true });
    await writeFile(path.join(dir, 'installment_reminder.txt'), '{name}, কিস্তি {amount} শেষ দিন {dedline}');
    await expect(loadTemplates(dir)).rejects.toThrow(`${path.join(dir, 'installment_reminder.txt')}: unknown placeholder {dedline}`);
  });
});
