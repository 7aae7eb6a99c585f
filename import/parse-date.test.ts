import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseImportDate } from './parse-date';
import { bengaliDigits } from './text';

const TODAY = '2026-01-15';
const ok = (date: string) => ({ ok: true, date });

describe('parseImportDate', () => {
  it('reads ISO dates and day-first dates with /, - or . separators, padding single digits', () => {
    expect(parseImportDate('2024-03-05', TODAY)).toEqual(ok('2024-03-05'));
    expect(parseImportDate('2024-3-5', TODAY)).toEqual(ok('2024-03-05'));
    expect(parseImportDate('05/03/2024', TODAY)).toEqual(ok('2024-03-05'));
    expect(parseImportDate('5-3-2024', TODAY)).toEqual(ok('2024-03-05'));
    expect(parseImportDate('05.03.2024', TODAY)).toEqual(ok('2024-03-05'));
  });

  it('treats 01/02/2024 as 1 February (Bangladesh day-first), never 2 January', () => {
    expect(parseImportDate('01/02/2024', TODAY)).toEqual(ok('2024-02-01'));
    expect(parseImportDate('13/02/2024', TODAY)).toEqual(ok('2024-02-13'));
    expect(parseImportDate('02/13/2024', TODAY)).toMatchObject({ ok: false, reason: 'is not a real calendar date' });
  });

  it('reads Bengali digits', () => {
    expect(parseImportDate('০৫/০৩/২০২৪', TODAY)).toEqual(ok('2024-03-05'));
    expect(parseImportDate('২০২৪-০৩-০৫', TODAY)).toEqual(ok('2024-03-05'));
  });

  it('refuses impossible days, leap days of common years, mixed separators and two-digit years', () => {
    expect(parseImportDate('31/04/2024', TODAY)).toMatchObject({ ok: false, reason: 'is not a real calendar date' });
    expect(parseImportDate('29/02/2023', TODAY)).toMatchObject({ ok: false, reason: 'is not a real calendar date' });
    expect(parseImportDate('29/02/2024', TODAY)).toEqual(ok('2024-02-29'));
    expect(parseImportDate('00/01/2024', TODAY)).toMatchObject({ ok: false, reason: 'is not a real calendar date' });
    expect(parseImportDate('05/03-2024', TODAY)).toMatchObject({ ok: false, reason: expect.stringMatching(/is not a date/) });
    expect(parseImportDate('05/03/24', TODAY)).toMatchObject({ ok: false, reason: expect.stringMatching(/is not a date/) });
    expect(parseImportDate('2024/03/05', TODAY)).toMatchObject({ ok: false, reason: expect.stringMatching(/is not a date/) });
  });

  it('accepts today and 1 January 1997 but not tomorrow or any day before the Ashrayan project', () => {
    expect(parseImportDate('15/01/2026', TODAY)).toEqual(ok('2026-01-15'));
    expect(parseImportDate('16/01/2026', TODAY)).toEqual({ ok: false, reason: 'is in the future (today is 2026-01-15)' });
    expect(parseImportDate('01/01/1997', TODAY)).toEqual(ok('1997-01-01'));
    expect(parseImportDate('31/12/1996', TODAY)).toEqual({ ok: false, reason: 'is before 1997, when the Ashrayan project began' });
  });

  it('gives the same answer for every real date in every accepted format and digit script', () => {
    const day = fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2030, 11, 31) }).map((ms) => new Date(ms).toISOString().slice(0, 10));
    fc.assert(
      fc.property(day, fc.constantFrom('iso', '/', '-', '.'), fc.boolean(), (iso, format, bengali) => {
        const [y, m, d] = iso.split('-') as [string, string, string];
        let text = format === 'iso' ? iso : [d, m, y].join(format);
        if (bengali) text = bengaliDigits(text);
        const expected = iso > TODAY || iso < '1997-01-01' ? { ok: false } : { ok: true, date: iso };
        expect(parseImportDate(text, TODAY)).toMatchObject(expected);
      }),
    );
  });
});
