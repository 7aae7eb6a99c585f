import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bnDate, bnDigits } from './bengali';
import { addDays, addMonths, dhakaInstant, isBusinessDay, parseDhakaDate, shiftToBusinessDay, toDhakaDate, weekday } from './dhaka-time';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const FRI = 5;
const SAT = 6;
const BD_WEEKEND = [FRI, SAT];

// Calendar arithmetic done independently of the code under test.
const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const daysInMonth = (y: number, m: number) => [31, isLeap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;
const pad = (n: number, w = 2) => n.toString().padStart(w, '0');
const fmt = (y: number, m: number, d: number) => `${pad(y, 4)}-${pad(m)}-${pad(d)}`;

/** Any real calendar date 2000-01-01 … 2099-12-31. */
const dateArb = fc
  .record({ y: fc.integer({ min: 2000, max: 2099 }), m: fc.integer({ min: 1, max: 12 }), d: fc.integer({ min: 1, max: 31 }) })
  .map(({ y, m, d }) => ({ y, m, d: Math.min(d, daysInMonth(y, m)) }));

describe('toDhakaDate', () => {
  it('turns over to the next day at 18:00 UTC (Dhaka midnight, UTC+6)', () => {
    expect(toDhakaDate(Date.UTC(2026, 11, 9, 17, 59, 59, 999))).toBe('2026-12-09');
    expect(toDhakaDate(Date.UTC(2026, 11, 9, 18, 0, 0, 0))).toBe('2026-12-10');
  });

  it('is the UTC calendar date six hours later, in every season (no daylight saving)', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2099, 11, 31) }), (at) => {
        const later = new Date(at + 6 * HOUR);
        expect(toDhakaDate(at)).toBe(fmt(later.getUTCFullYear(), later.getUTCMonth() + 1, later.getUTCDate()));
      }),
    );
  });
});

describe('dhakaInstant', () => {
  it('puts 17:00 in Dhaka at 11:00 UTC', () => {
    expect(dhakaInstant('2026-12-10', '17:00')).toBe(Date.UTC(2026, 11, 10, 11, 0));
  });

  it('defaults to Dhaka midnight, which is 18:00 UTC the day before', () => {
    expect(dhakaInstant('2027-01-01')).toBe(Date.UTC(2026, 11, 31, 18, 0));
  });

  it('is always exactly six hours before the same wall-clock time in UTC, summer or winter', () => {
    fc.assert(
      fc.property(dateArb, fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), ({ y, m, d }, hh, mm) => {
        const date = fmt(y, m, d);
        const at = dhakaInstant(date, `${pad(hh)}:${pad(mm)}`);
        expect(at).toBe(Date.UTC(y, m - 1, d, hh, mm) - 6 * HOUR);
        expect(toDhakaDate(at)).toBe(date);
      }),
    );
  });

  it('refuses text that is not a date and time', () => {
    expect(() => dhakaInstant('10/12/2026', '17:00')).toThrow(/bad Dhaka date\/time/);
    expect(() => dhakaInstant('2026-12-10', '5pm')).toThrow(RangeError);
  });
});

describe('parseDhakaDate', () => {
  it('accepts real calendar dates, including 29 February of a leap year', () => {
    expect(parseDhakaDate('2026-12-16')).toBe('2026-12-16');
    expect(parseDhakaDate('2028-02-29')).toBe('2028-02-29');
  });

  it.each(['2026-02-29', '2026-02-30', '2026-04-31', '2026-2-1', '26-12-16', '2026-12-16T00:00', ''])('refuses %j as not a calendar date', (text) => {
    expect(() => parseDhakaDate(text)).toThrow(/is not a calendar date/);
  });

  it.each(['2026-13-01', '2026-00-10', '2026-01-32'])('refuses the impossible month or day in %j', (text) => {
    expect(() => parseDhakaDate(text)).toThrow(RangeError);
  });
});

describe('weekday', () => {
  it('numbers days from Sunday = 0 to Saturday = 6', () => {
    // Checked against a printed calendar.
    expect(weekday('2026-12-16')).toBe(3); // Wednesday, Victory Day
    expect(weekday('2026-12-18')).toBe(FRI);
    expect(weekday('2026-12-19')).toBe(SAT);
    expect(weekday('2026-12-20')).toBe(0);
    expect(weekday('2027-01-31')).toBe(0);
    expect(weekday('2028-02-29')).toBe(2);
  });
});

describe('addDays', () => {
  it('crosses month, year and leap-day boundaries', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2027-02-28', 1)).toBe('2027-03-01');
    expect(addDays('2027-01-01', -1)).toBe('2026-12-31');
    expect(addDays('2026-12-10', 0)).toBe('2026-12-10');
  });

  it('moves the weekday along by the same number of days', () => {
    fc.assert(
      fc.property(dateArb, fc.integer({ min: -800, max: 800 }), ({ y, m, d }, n) => {
        const date = fmt(y, m, d);
        const moved = addDays(date, n);
        expect(Date.parse(moved) - Date.parse(date)).toBe(n * DAY);
        expect(weekday(moved)).toBe((((weekday(date) + n) % 7) + 7) % 7);
      }),
    );
  });
});

describe('addMonths', () => {
  it('clamps 31 January + 1 month to the last day of February', () => {
    expect(addMonths('2027-01-31', 1)).toBe('2027-02-28');
    expect(addMonths('2028-01-31', 1)).toBe('2028-02-29');
    expect(addMonths('2100-01-31', 1)).toBe('2100-02-28'); // 2100 is not a leap year
    expect(addMonths('2000-01-31', 1)).toBe('2000-02-29'); // 2000 is
  });

  it('clamps each month from the start date, so a short month does not shorten later ones', () => {
    expect(addMonths('2027-01-31', 2)).toBe('2027-03-31');
    expect(addMonths('2026-10-31', 4)).toBe('2027-02-28');
    expect(addMonths('2026-08-31', 1)).toBe('2026-09-30');
  });

  it('crosses year ends in both directions', () => {
    expect(addMonths('2026-11-20', 2)).toBe('2027-01-20');
    expect(addMonths('2026-03-31', -1)).toBe('2026-02-28');
    expect(addMonths('2026-01-15', -1)).toBe('2025-12-15');
    expect(addMonths('2026-11-20', 36)).toBe('2029-11-20');
  });

  it('uses the given day of month instead of the start day, clamped to the month', () => {
    expect(addMonths('2026-11-20', 1, 10)).toBe('2026-12-10');
    expect(addMonths('2026-11-05', 1, 10)).toBe('2026-12-10');
    expect(addMonths('2027-03-01', 1, 31)).toBe('2027-04-30');
    expect(addMonths('2027-01-01', 1, 30)).toBe('2027-02-28');
  });

  it('lands on the wanted day or the month end, n months later', () => {
    fc.assert(
      fc.property(dateArb, fc.integer({ min: -120, max: 600 }), fc.option(fc.integer({ min: 1, max: 31 }), { nil: undefined }), ({ y, m, d }, n, dom) => {
        const index = y * 12 + (m - 1) + n;
        const ty = Math.floor(index / 12);
        const tm = (index % 12) + 1;
        const expected = fmt(ty, tm, Math.min(dom ?? d, daysInMonth(ty, tm)));
        expect(addMonths(fmt(y, m, d), n, dom)).toBe(expected);
      }),
    );
  });
});

describe('isBusinessDay and shiftToBusinessDay', () => {
  const holidays = new Set(['2026-03-26', '2026-12-16']);

  it('treats Friday, Saturday and public holidays as closed', () => {
    expect(isBusinessDay('2026-12-17', BD_WEEKEND, holidays)).toBe(true);
    expect(isBusinessDay('2026-12-16', BD_WEEKEND, holidays)).toBe(false);
    expect(isBusinessDay('2026-12-18', BD_WEEKEND, holidays)).toBe(false);
    expect(isBusinessDay('2026-12-19', BD_WEEKEND, holidays)).toBe(false);
  });

  it('moves a holiday followed by a weekend to the Sunday after', () => {
    // 26 March 2026 (Independence Day) is a Thursday; Fri 27 and Sat 28 are the weekend.
    expect(shiftToBusinessDay('2026-03-26', 'next', BD_WEEKEND, holidays)).toBe('2026-03-29');
  });

  it('moves back to the last working day when shifting to the previous one', () => {
    expect(shiftToBusinessDay('2026-03-28', 'previous', BD_WEEKEND, holidays)).toBe('2026-03-25');
  });

  it('leaves business days alone and does not move anything when shift is none', () => {
    expect(shiftToBusinessDay('2026-12-17', 'next', BD_WEEKEND, holidays)).toBe('2026-12-17');
    expect(shiftToBusinessDay('2026-12-18', 'none', BD_WEEKEND, holidays)).toBe('2026-12-18');
  });

  it('gives up with an error when no day of the week is a business day', () => {
    expect(() => shiftToBusinessDay('2026-12-17', 'next', [0, 1, 2, 3, 4, 5, 6], new Set())).toThrow(/no business day within a year/);
  });

  it('lands on the nearest business day in the chosen direction', () => {
    const weekendArb = fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { maxLength: 6 });
    fc.assert(
      fc.property(dateArb, weekendArb, fc.array(fc.integer({ min: -5, max: 15 }), { maxLength: 10 }), fc.constantFrom('next' as const, 'previous' as const), ({ y, m, d }, weekend, offsets, shift) => {
        const date = fmt(y, m, d);
        const hol = new Set(offsets.map((o) => addDays(date, o)));
        const closed = (x: string) => weekend.includes(new Date(`${x}T00:00:00Z`).getUTCDay()) || hol.has(x);
        const result = shiftToBusinessDay(date, shift, weekend, hol);
        expect(closed(result)).toBe(false);
        const step = shift === 'next' ? 1 : -1;
        const distance = (Date.parse(result) - Date.parse(date)) / DAY;
        expect(distance * step).toBeGreaterThanOrEqual(0);
        for (let i = 0; i !== distance; i += step) expect(closed(addDays(date, i))).toBe(true);
      }),
    );
  });
});

describe('Bengali dates', () => {
  it('writes digits and month names in Bengali', () => {
    expect(bnDigits(2026)).toBe('২০২৬');
    expect(bnDate('2026-12-10')).toBe('১০ ডিসেম্বর ২০২৬');
    expect(bnDate('2027-01-05')).toBe('৫ জানুয়ারি ২০২৭');
  });
});
