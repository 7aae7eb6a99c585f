import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertPoisha, formatTaka, serviceCharge, splitEvenly, sum } from './money';

/** Reference: principal × bps / 10 000 rounded half up, done by hand with a quotient and remainder. */
function expectedCharge(principal: number, bps: number): number {
  const product = BigInt(principal) * BigInt(bps);
  const quotient = product / 10_000n;
  const remainder = product % 10_000n;
  return Number(remainder * 2n >= 10_000n ? quotient + 1n : quotient);
}

describe('assertPoisha', () => {
  it('accepts whole numbers of poisha and returns them', () => {
    expect(assertPoisha(0, 'x')).toBe(0);
    expect(assertPoisha(105_000, 'x')).toBe(105_000);
    expect(assertPoisha(-7, 'x')).toBe(-7);
  });

  it('refuses fractions, NaN, infinities and unsafe integers, naming what was wrong', () => {
    expect(() => assertPoisha(1.5, 'payment')).toThrow(/payment must be a whole number of poisha, got 1.5/);
    expect(() => assertPoisha(Number.NaN, 'x')).toThrow(RangeError);
    expect(() => assertPoisha(Number.POSITIVE_INFINITY, 'x')).toThrow(RangeError);
    expect(() => assertPoisha(Number.MAX_SAFE_INTEGER + 1, 'x')).toThrow(RangeError);
  });
});

describe('serviceCharge', () => {
  it('is 5% of Tk 5,000 at 500 bps', () => {
    // 500 000 poisha = Tk 5 000; 5% of that is Tk 250 = 25 000 poisha.
    expect(serviceCharge(500_000, 500)).toBe(25_000);
  });

  it('rounds exactly half a poisha up and anything below half down', () => {
    expect(serviceCharge(1, 5000)).toBe(1); // 0.5 → 1
    expect(serviceCharge(1, 4999)).toBe(0); // 0.4999 → 0
    expect(serviceCharge(3, 5000)).toBe(2); // 1.5 → 2
    expect(serviceCharge(15_000, 1)).toBe(2); // 1.5 → 2
    expect(serviceCharge(14_999, 1)).toBe(1); // 1.4999 → 1
    expect(serviceCharge(10_010, 500)).toBe(501); // 500.5 → 501
  });

  it('is zero at 0 bps and the whole principal at 10 000 bps', () => {
    expect(serviceCharge(123_457, 0)).toBe(0);
    expect(serviceCharge(123_457, 10_000)).toBe(123_457);
  });

  it('stays exact for principals whose product with bps is beyond 2^53', () => {
    // 9 007 199 254 740 991 / 10 000 = 900 719 925 474.0991 → 900 719 925 474
    expect(serviceCharge(Number.MAX_SAFE_INTEGER, 1)).toBe(900_719_925_474);
    expect(serviceCharge(Number.MAX_SAFE_INTEGER, 10_000)).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('matches half-up rounding of principal × bps / 10 000 for any principal and bps', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), fc.integer({ min: 0, max: 10_000 }), (principal, bps) => {
        const charge = serviceCharge(principal, bps);
        expect(Number.isSafeInteger(charge)).toBe(true);
        expect(charge).toBe(expectedCharge(principal, bps));
        // Within half a poisha of the exact value, ties rounded up.
        const diff = BigInt(charge) * 10_000n - BigInt(principal) * BigInt(bps);
        expect(diff > -5000n && diff <= 5000n).toBe(true); // half up: exactly half a poisha rounds up
      }),
    );
  });

  it('refuses fractional principals and fractional or negative basis points', () => {
    expect(() => serviceCharge(100.5, 500)).toThrow(RangeError);
    expect(() => serviceCharge(100, 2.5)).toThrow(/whole basis points/);
    expect(() => serviceCharge(100, -1)).toThrow(/whole basis points/);
  });
});

describe('splitEvenly', () => {
  it('splits Tk 12,962.95 into 12 installments with the 7-poisha remainder on the last', () => {
    // 1 296 295 = 12 × 108 024 + 7
    const parts = splitEvenly(1_296_295, 12);
    expect(parts.slice(0, 11)).toEqual(new Array(11).fill(108_024));
    expect(parts[11]).toBe(108_031);
  });

  it('gives the whole amount to a single part', () => {
    expect(splitEvenly(999, 1)).toEqual([999]);
  });

  it('leaves all but the last part at zero when there is less money than parts', () => {
    expect(splitEvenly(2, 5)).toEqual([0, 0, 0, 0, 2]);
  });

  it('always adds up to the total, with equal parts and the remainder on the last one', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e13 }), fc.integer({ min: 1, max: 600 }), (total, parts) => {
        const amounts = splitEvenly(total, parts);
        expect(amounts).toHaveLength(parts);
        expect(amounts.reduce((a, b) => a + b, 0)).toBe(total);
        const first = amounts[0]!;
        expect(amounts.slice(0, -1).every((a) => a === first)).toBe(true);
        const extra = amounts[parts - 1]! - first;
        expect(extra).toBe(total % parts);
        expect(extra).toBeGreaterThanOrEqual(0);
        expect(extra).toBeLessThan(parts);
        expect(amounts.every(Number.isInteger)).toBe(true);
        if (total >= parts) expect(amounts.every((a) => a > 0)).toBe(true);
      }),
    );
  });

  it('refuses a part count that is not a positive integer and a fractional total', () => {
    expect(() => splitEvenly(100, 0)).toThrow(/parts must be a positive integer/);
    expect(() => splitEvenly(100, 2.5)).toThrow(RangeError);
    expect(() => splitEvenly(100.25, 2)).toThrow(RangeError);
  });
});

describe('sum', () => {
  it('adds poisha amounts and is zero for none', () => {
    expect(sum([])).toBe(0);
    expect(sum([100, 250, 1])).toBe(351);
  });
});

describe('formatTaka', () => {
  it('groups taka in lakhs and writes Bengali digits', () => {
    expect(formatTaka(51_000_000)).toBe('৳৫,১০,০০০');
  });

  it('writes Latin digits when asked', () => {
    expect(formatTaka(51_000_000, { latin: true })).toBe('৳5,10,000');
    expect(formatTaka(12_345_678_901, { latin: true })).toBe('৳12,34,56,789.01');
    expect(formatTaka(1_234_567, { latin: true })).toBe('৳12,345.67');
  });

  it('shows poisha as two decimals and omits them when whole', () => {
    expect(formatTaka(5, { latin: true })).toBe('৳0.05');
    expect(formatTaka(150, { latin: true })).toBe('৳1.50');
    expect(formatTaka(100, { latin: true })).toBe('৳1');
    expect(formatTaka(0, { latin: true })).toBe('৳0');
    expect(formatTaka(105_000)).toBe('৳১,০৫০');
  });

  it('puts the minus sign before the taka sign', () => {
    expect(formatTaka(-150, { latin: true })).toBe('-৳1.50');
  });

  it('always reads back as the same amount, with lakh-style groups', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e15, max: 1e15 }), (poisha) => {
        const text = formatTaka(poisha, { latin: true });
        expect(text).toMatch(/^-?৳(\d{1,3}|\d{1,2}(,\d{2})*,\d{3})(\.\d{2})?$/);
        const digits = text.replace(/[-৳,]/g, '');
        const [taka, paisa = '0'] = digits.split('.');
        const back = Number(taka) * 100 + Number(paisa);
        expect(text.startsWith('-') ? -back : back).toBe(poisha);
        // The Bengali form is the Latin one with the digits swapped.
        const bn = formatTaka(poisha);
        expect(bn.replace(/[০-৯]/g, (d) => String(d.charCodeAt(0) - 0x09e6))).toBe(text);
      }),
    );
  });
});
