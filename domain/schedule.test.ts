import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkPrincipal, generateSchedule } from './schedule';
import type { FrequencyUnit, LoanProduct, ResolvedPolicy } from './types';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const SUB_DAY: Partial<Record<FrequencyUnit, number>> = { hour: HOUR, minute: 60_000, second: 1000 };

// The 2026–2027 government holidays of rules/holidays.json.
const HOLIDAYS = [
  '2026-02-21', '2026-03-26', '2026-04-14', '2026-05-01', '2026-08-05', '2026-12-16', '2026-12-25',
  '2027-02-21', '2027-03-26', '2027-04-14', '2027-05-01', '2027-12-16',
];

const ref = { kind: 'test', rule: 'test', version: 'test+000000000000' };

function policyFor(product: Partial<LoanProduct> = {}, deadline: Partial<ResolvedPolicy['deadline']> = {}): ResolvedPolicy {
  return {
    product: {
      code: 'ASH-STD',
      nameBn: 'আশ্রয়ণ সাধারণ ঋণ',
      nameEn: 'Ashrayan general loan',
      minPrincipalPoisha: 500_000,
      maxPrincipalPoisha: 5_000_000,
      serviceChargeBps: 500,
      installmentCount: 12,
      frequency: { every: 1, unit: 'month' },
      ...product,
    },
    deadline: { dueDayOfMonth: 10, closesAt: '17:00', weekendDays: [5, 6], shift: 'next', holidays: HOLIDAYS, ...deadline },
    reminders: [],
    graceMs: 15 * DAY,
    lateAcceptance: 'accept_late',
    reviewEveryMs: DAY,
    refs: { product: ref, deadline: ref, reminders: ref, grace: ref, lateAcceptance: ref },
    ruleSetVersion: 'rs+000000000000',
  };
}

/** The instant a Dhaka wall-clock time occurs: Dhaka is UTC+6 all year. */
const dhaka = (y: number, m: number, d: number, hh = 0, mm = 0) => Date.UTC(y, m - 1, d, hh, mm) - 6 * HOUR;

// Independent calendar helpers.
const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const daysInMonth = (y: number, m: number) => [31, isLeap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;
const pad = (n: number, w = 2) => n.toString().padStart(w, '0');
const fmt = (y: number, m: number, d: number) => `${pad(y, 4)}-${pad(m)}-${pad(d)}`;
const ymd = (date: string) => date.split('-').map(Number) as [number, number, number];
const dateOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const dayNumber = (date: string) => Date.parse(`${date}T00:00:00Z`) / DAY;
const weekdayOf = (date: string) => new Date(`${date}T00:00:00Z`).getUTCDay();
const dhakaDateOf = (at: number) => dateOf(at + 6 * HOUR);

function expectedCharge(principal: number, bps: number): number {
  const exact = BigInt(principal) * BigInt(bps);
  return Number(exact / 10_000n + (exact % 10_000n >= 5_000n ? 1n : 0n));
}

/** The date installment n nominally falls on, before any weekend/holiday shift. */
function nominalDate(start: string, n: number, every: number, unit: FrequencyUnit, dueDay: number | null): string {
  const [y, m, d] = ymd(start);
  if (unit === 'month') {
    const index = y * 12 + (m - 1) + n * every;
    const ty = Math.floor(index / 12);
    const tm = (index % 12) + 1;
    return fmt(ty, tm, Math.min(dueDay ?? d, daysInMonth(ty, tm)));
  }
  const days = n * every * (unit === 'week' ? 7 : 1);
  return dateOf(Date.UTC(y, m - 1, d) + days * DAY);
}

describe('generateSchedule: a monthly ASH-STD loan on the 2026-11 pilot policy', () => {
  const disbursedAt = dhaka(2026, 11, 20, 10, 0); // a Friday morning in Dhaka
  const schedule = generateSchedule(1_234_567, disbursedAt, policyFor());

  it('charges 5% rounded half up and owes principal plus charge', () => {
    // 1 234 567 × 5% = 61 728.35 → 61 728
    expect(schedule.serviceChargePoisha).toBe(61_728);
    expect(schedule.totalOwedPoisha).toBe(1_296_295);
  });

  it('splits the rounding remainder onto the last installment', () => {
    // 1 296 295 = 12 × 108 024 + 7
    const amounts = schedule.installments.map((i) => i.amountPoisha);
    expect(amounts).toEqual([...new Array(11).fill(108_024), 108_031]);
  });

  it('falls on the 10th of each month, moved off Fridays and Saturdays to the next working day', () => {
    // From a printed calendar: 10 Apr 2027 and 10 Jul 2027 are Saturdays, 10 Sep 2027 a Friday.
    expect(schedule.installments.map((i) => i.dueDate)).toEqual([
      '2026-12-10', '2027-01-10', '2027-02-10', '2027-03-10', '2027-04-11', '2027-05-10',
      '2027-06-10', '2027-07-11', '2027-08-10', '2027-09-12', '2027-10-10', '2027-11-10',
    ]);
    expect(schedule.installments.map((i) => i.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it('closes each deadline at 17:00 Dhaka time, which is 11:00 UTC', () => {
    for (const inst of schedule.installments) {
      const [y, m, d] = ymd(inst.dueDate);
      expect(inst.dueAt).toBe(Date.UTC(y, m - 1, d, 11, 0));
    }
  });
});

describe('generateSchedule: calendar rules', () => {
  it('moves a weekly deadline that falls on Victory Day to the next day', () => {
    const policy = policyFor({ code: 'ASH-WEEKLY', installmentCount: 3, frequency: { every: 1, unit: 'week' } }, { dueDayOfMonth: null });
    const { installments } = generateSchedule(1_000_000, dhaka(2026, 12, 9, 12), policy); // Wednesday 9 Dec 2026
    expect(installments.map((i) => i.dueDate)).toEqual(['2026-12-17', '2026-12-23', '2026-12-30']);
  });

  it('moves a deadline past a holiday and the weekend after it', () => {
    // 26 Mar 2026 is a Thursday holiday; Fri 27 and Sat 28 are the weekend.
    const policy = policyFor({ installmentCount: 1 }, { dueDayOfMonth: 26 });
    const [first] = generateSchedule(1_000_000, dhaka(2026, 2, 15, 9), policy).installments;
    expect(first!.dueDate).toBe('2026-03-29');
    expect(first!.dueAt).toBe(dhaka(2026, 3, 29, 17, 0));
  });

  it('moves back to the last working day when the policy shifts to the previous one', () => {
    const policy = policyFor({ installmentCount: 1 }, { dueDayOfMonth: 26, shift: 'previous' });
    const [first] = generateSchedule(1_000_000, dhaka(2026, 2, 15, 9), policy).installments;
    expect(first!.dueDate).toBe('2026-03-25');
  });

  it('clamps 31 January + 1 month to 28 February, and 29 February in a leap year', () => {
    const policy = policyFor({ installmentCount: 3 }, { dueDayOfMonth: null, shift: 'none', weekendDays: [], holidays: [] });
    expect(generateSchedule(1_000_000, dhaka(2027, 1, 31, 12), policy).installments.map((i) => i.dueDate)).toEqual([
      '2027-02-28',
      '2027-03-31',
      '2027-04-30',
    ]);
    expect(generateSchedule(1_000_000, dhaka(2028, 1, 31, 12), policy).installments[0]!.dueDate).toBe('2028-02-29');
  });

  it('clamps a due day of 31 to the end of shorter months', () => {
    const policy = policyFor({ installmentCount: 3 }, { dueDayOfMonth: 31, shift: 'none', weekendDays: [], holidays: [] });
    expect(generateSchedule(1_000_000, dhaka(2027, 1, 5, 12), policy).installments.map((i) => i.dueDate)).toEqual([
      '2027-02-28',
      '2027-03-31',
      '2027-04-30',
    ]);
  });

  it('takes the Dhaka date of disbursement, not the UTC one, as the start', () => {
    // 20:00 UTC on 30 Nov is already 1 Dec in Dhaka: daily installments start on 2 Dec.
    const policy = policyFor({ installmentCount: 1, frequency: { every: 1, unit: 'day' } }, { shift: 'none' });
    const [first] = generateSchedule(1_000_000, Date.UTC(2026, 10, 30, 20, 0), policy).installments;
    expect(first!.dueDate).toBe('2026-12-02');
  });

  it('can put several daily installments on the same Sunday when Friday and Saturday both move forward', () => {
    // Disbursed Wed 16 Dec 2026 (a holiday does not matter for the start): Thu 17, Fri 18→Sun 20, Sat 19→Sun 20, Sun 20.
    const policy = policyFor({ installmentCount: 4, frequency: { every: 1, unit: 'day' } }, { dueDayOfMonth: null });
    const dates = generateSchedule(1_000_000, dhaka(2026, 12, 16, 10), policy).installments.map((i) => i.dueDate);
    expect(dates).toEqual(['2026-12-17', '2026-12-20', '2026-12-20', '2026-12-20']);
  });

  it('uses plain offsets from disbursement for second-based test products, ignoring weekends', () => {
    const policy = policyFor({ code: 'FAST', installmentCount: 3, frequency: { every: 4, unit: 'second' } });
    const at = dhaka(2026, 12, 18, 16, 59) + 59_000; // Friday 16:59:59 Dhaka
    const { installments } = generateSchedule(300, at, policy);
    expect(installments.map((i) => i.dueAt)).toEqual([at + 4000, at + 8000, at + 12_000]);
    expect(installments.map((i) => i.dueDate)).toEqual(['2026-12-18', '2026-12-18', '2026-12-18']);
  });

  it('rounds a half-poisha service charge up', () => {
    // 10 010 × 5% = 500.5 → 501
    const s = generateSchedule(10_010, dhaka(2026, 11, 20, 10), policyFor({ installmentCount: 1 }));
    expect(s.serviceChargePoisha).toBe(501);
    expect(s.totalOwedPoisha).toBe(10_511);
    expect(s.installments[0]!.amountPoisha).toBe(10_511);
  });

  it('refuses a principal that is not a whole number of poisha', () => {
    expect(() => generateSchedule(1000.5, dhaka(2026, 11, 20), policyFor())).toThrow(RangeError);
  });
});

describe('generateSchedule: properties', () => {
  const unitArb = fc.constantFrom<FrequencyUnit>('month', 'week', 'day', 'hour', 'minute', 'second');
  const productArb = fc
    .record({
      principal: fc.integer({ min: 1, max: 1_000_000_000_000 }),
      belowMin: fc.integer({ min: 0, max: 1_000_000 }),
      aboveMax: fc.integer({ min: 0, max: 1_000_000 }),
      bps: fc.integer({ min: 0, max: 10_000 }),
      count: fc.integer({ min: 1, max: 600 }),
      unit: unitArb,
      every: fc.integer({ min: 1, max: 12 }),
    })
    .map(({ principal, belowMin, aboveMax, bps, count, unit, every }) => ({
      principal,
      product: {
        minPrincipalPoisha: Math.max(1, principal - belowMin),
        maxPrincipalPoisha: principal + aboveMax,
        serviceChargeBps: bps,
        installmentCount: count,
        frequency: { every, unit },
      } satisfies Partial<LoanProduct>,
    }));
  const disbursedArb = fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2040, 0, 1) });
  const deadlineArb = fc.record({
    dueDayOfMonth: fc.option(fc.integer({ min: 1, max: 31 }), { nil: null }),
    closesAt: fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 })).map(([h, m]) => `${pad(h)}:${pad(m)}`),
    weekendDays: fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { maxLength: 3 }),
    shift: fc.constantFrom('next' as const, 'previous' as const, 'none' as const),
    holidays: fc.uniqueArray(fc.integer({ min: 0, max: 30 * 366 }).map((n) => dateOf(Date.UTC(2020, 0, 1) + n * DAY)), { maxLength: 40 }),
  });

  it('owes exactly principal plus service charge, split evenly with the remainder on the last installment', () => {
    fc.assert(
      fc.property(productArb, disbursedArb, deadlineArb, ({ principal, product }, disbursedAt, deadline) => {
        const policy = policyFor(product, deadline);
        expect(checkPrincipal(principal, policy)).toBeNull();
        const s = generateSchedule(principal, disbursedAt, policy);
        const charge = expectedCharge(principal, product.serviceChargeBps);
        const total = principal + charge;
        const n = product.installmentCount;
        expect(s.serviceChargePoisha).toBe(charge);
        expect(s.totalOwedPoisha).toBe(total);
        expect(s.installments).toHaveLength(n);
        expect(s.installments.reduce((t, i) => t + i.amountPoisha, 0)).toBe(total);
        const base = Math.floor(total / n);
        const problems: string[] = [];
        s.installments.forEach((inst, i) => {
          if (inst.seq !== i + 1) problems.push(`installment ${i} has seq ${inst.seq}`);
          if (!Number.isInteger(inst.amountPoisha)) problems.push(`${inst.seq}: ${inst.amountPoisha} is not whole poisha`);
          if (i < n - 1 && inst.amountPoisha !== base) problems.push(`${inst.seq}: ${inst.amountPoisha} differs from ${base}`);
          if (i === n - 1 && inst.amountPoisha - base !== total % n) problems.push(`last: ${inst.amountPoisha} is not ${base} + ${total % n}`);
          if (total >= n && inst.amountPoisha <= 0) problems.push(`${inst.seq}: ${inst.amountPoisha} is not positive`);
        });
        expect(problems).toEqual([]);
      }),
    );
  });

  it('puts due dates in order, on the nominal day or the nearest business day from it, closing at the Dhaka time', () => {
    fc.assert(
      fc.property(productArb, disbursedArb, deadlineArb, ({ principal, product }, disbursedAt, deadline) => {
        const policy = policyFor(product, deadline);
        const { installments } = generateSchedule(principal, disbursedAt, policy);
        const { every, unit } = product.frequency;
        const holidays = new Set(deadline.holidays);
        const closed = (date: string) => deadline.weekendDays.includes(weekdayOf(date)) || holidays.has(date);
        const start = dhakaDateOf(disbursedAt);

        const problems: string[] = [];
        const strict = deadline.shift === 'none' || SUB_DAY[unit] !== undefined;
        for (let i = 1; i < installments.length; i++) {
          const prev = installments[i - 1]!;
          const cur = installments[i]!;
          if (cur.dueDate < prev.dueDate || cur.dueAt < prev.dueAt) problems.push(`${cur.seq} falls due before ${prev.seq}`);
          if (strict && cur.dueAt <= prev.dueAt) problems.push(`${cur.seq} does not fall due after ${prev.seq}`);
        }

        const [hh, mm] = deadline.closesAt.split(':').map(Number) as [number, number];
        const step = deadline.shift === 'next' ? 1 : -1;
        for (const inst of installments) {
          const sub = SUB_DAY[unit];
          if (sub) {
            if (inst.dueAt !== disbursedAt + inst.seq * every * sub) problems.push(`${inst.seq}: dueAt ${inst.dueAt} is not an offset of ${inst.seq * every} ${unit}s`);
            if (inst.dueDate !== dhakaDateOf(inst.dueAt)) problems.push(`${inst.seq}: dueDate ${inst.dueDate} is not the Dhaka date of dueAt`);
            continue;
          }
          const nominal = nominalDate(start, inst.seq, every, unit, unit === 'month' ? deadline.dueDayOfMonth : null);
          const [y, m, d] = ymd(inst.dueDate);
          if (inst.dueAt !== Date.UTC(y, m - 1, d, hh, mm) - 6 * HOUR) problems.push(`${inst.seq}: dueAt is not ${deadline.closesAt} Dhaka on ${inst.dueDate}`);
          if (deadline.shift === 'none') {
            if (inst.dueDate !== nominal) problems.push(`${inst.seq}: ${inst.dueDate} moved from ${nominal} with shift none`);
            continue;
          }
          if (closed(inst.dueDate)) problems.push(`${inst.seq}: ${inst.dueDate} is not a business day`);
          if (deadline.shift === 'previous' && dayNumber(inst.dueDate) > dayNumber(nominal)) {
            // Shifting back would have reached the disbursement day: the first business day after it instead.
            let d = dayNumber(start) + 1;
            while (closed(dateOf(d * DAY))) d++;
            if (inst.dueDate !== dateOf(d * DAY)) problems.push(`${inst.seq}: ${inst.dueDate} is not the first business day after disbursement`);
            continue;
          }
          const moved = dayNumber(inst.dueDate) - dayNumber(nominal);
          if (moved * step < 0) problems.push(`${inst.seq}: ${inst.dueDate} moved the wrong way from ${nominal}`);
          else for (let k = 0; k !== moved; k += step) if (!closed(dateOf((dayNumber(nominal) + k) * DAY))) problems.push(`${inst.seq}: skipped business day ${k} days from ${nominal}`);
        }
        expect(problems).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('never makes an installment fall due on or before the disbursement day, whichever way deadlines move', () => {
    fc.assert(
      fc.property(productArb, disbursedArb, deadlineArb, ({ principal, product }, disbursedAt, deadline) => {
        const policy = policyFor(product, deadline);
        const [first] = generateSchedule(principal, disbursedAt, policy).installments;
        expect(first!.dueAt).toBeGreaterThan(disbursedAt);
      }),
    );
  });
});

describe('checkPrincipal', () => {
  const policy = policyFor();

  it('accepts a principal within the product limits, including the limits themselves', () => {
    expect(checkPrincipal(500_000, policy)).toBeNull();
    expect(checkPrincipal(5_000_000, policy)).toBeNull();
    expect(checkPrincipal(1_000_000, policy)).toBeNull();
  });

  it('refuses a principal outside the limits, naming the product and the limits', () => {
    expect(checkPrincipal(499_999, policy)).toMatch(/ASH-STD.*500000.*5000000/);
    expect(checkPrincipal(5_000_001, policy)).toMatch(/outside product ASH-STD's limits/);
  });

  it('refuses zero, negative and fractional principals', () => {
    for (const bad of [0, -100, 1000.5, Number.NaN]) expect(checkPrincipal(bad, policy)).toMatch(/positive whole number of poisha/);
  });
});
