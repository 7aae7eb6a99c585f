import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatTaka } from '../domain/money';
import { parseTaka } from './parse-taka';
import { bengaliDigits } from './text';

type Grouping = 'none' | 'international' | 'lakh';

/** Taka text for a poisha amount, built from digit strings so the test itself never uses floats. */
function takaText(poisha: bigint, grouping: Grouping, decimals: 'minimal' | 'always'): string {
  const whole = (poisha / 100n).toString();
  const paisa = (poisha % 100n).toString().padStart(2, '0');
  let grouped = whole;
  if (grouping === 'international') grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  if (grouping === 'lakh' && whole.length > 3) {
    grouped = `${whole.slice(0, -3).replace(/\B(?=(\d{2})+(?!\d))/g, ',')},${whole.slice(-3)}`;
  }
  if (decimals === 'always') return `${grouped}.${paisa}`;
  if (paisa === '00') return grouped;
  return `${grouped}.${paisa.endsWith('0') ? paisa[0] : paisa}`;
}

const poisha = fc.bigInt({ min: 0n, max: BigInt(Number.MAX_SAFE_INTEGER) });

describe('parseTaka', () => {
  it('reads plain, comma-grouped and lakh-grouped taka with up to two decimals', () => {
    expect(parseTaka('25000')).toEqual({ ok: true, poisha: 2_500_000 });
    expect(parseTaka('25,000.5')).toEqual({ ok: true, poisha: 2_500_050 });
    expect(parseTaka('5,10,000')).toEqual({ ok: true, poisha: 51_000_000 });
    expect(parseTaka('1,000,000.05')).toEqual({ ok: true, poisha: 100_000_005 });
    expect(parseTaka('0.01')).toEqual({ ok: true, poisha: 1 });
  });

  it('reads Bengali digits, the ৳/Tk/BDT prefixes and the ledger suffix "/-"', () => {
    expect(parseTaka('৫,১০,০০০')).toEqual({ ok: true, poisha: 51_000_000 });
    expect(parseTaka('৳ ১২,৫০০.৫০')).toEqual({ ok: true, poisha: 1_250_050 });
    expect(parseTaka('Tk. 1,00,000.00')).toEqual({ ok: true, poisha: 10_000_000 });
    expect(parseTaka('tk5000')).toEqual({ ok: true, poisha: 500_000 });
    expect(parseTaka('BDT 700')).toEqual({ ok: true, poisha: 70_000 });
    expect(parseTaka('25000/-')).toEqual({ ok: true, poisha: 2_500_000 });
    expect(parseTaka('৫০০ টাকা')).toEqual({ ok: true, poisha: 50_000 });
  });

  it('refuses negatives, words, misplaced commas, a third decimal and unsafe sizes with a reason', () => {
    expect(parseTaka('-500')).toEqual({ ok: false, reason: 'must not be negative' });
    expect(parseTaka('৳-500')).toEqual({ ok: false, reason: 'must not be negative' });
    expect(parseTaka('(500)')).toEqual({ ok: false, reason: 'must not be negative' });
    expect(parseTaka('five hundred')).toMatchObject({ ok: false, reason: expect.stringMatching(/is not an amount/) });
    expect(parseTaka('5 000')).toMatchObject({ ok: false, reason: expect.stringMatching(/is not an amount/) });
    expect(parseTaka('5,0000')).toMatchObject({ ok: false, reason: expect.stringMatching(/commas in the wrong places/) });
    expect(parseTaka(',500')).toMatchObject({ ok: false, reason: expect.stringMatching(/commas in the wrong places/) });
    expect(parseTaka('100.555')).toMatchObject({ ok: false, reason: expect.stringMatching(/at most 2 digits/) });
    expect(parseTaka('100.')).toMatchObject({ ok: false, reason: expect.stringMatching(/at most 2 digits/) });
    expect(parseTaka('99999999999999999')).toMatchObject({ ok: false, reason: expect.stringMatching(/too large/) });
  });

  it('never rounds through floating point: 1234.56 taka is exactly 123456 poisha, and so on for every cent', () => {
    // 0.29, 1.13, 4.35 … are the classic values for which x * 100 is not an integer in binary floats.
    for (const [text, expected] of [['0.29', 29], ['1.13', 113], ['4.35', 435], ['1234.56', 123_456], ['90071992547409.91', 9_007_199_254_740_991]] as const) {
      expect(parseTaka(text)).toEqual({ ok: true, poisha: expected });
    }
  });

  it('parses any whole poisha amount back exactly, however it is grouped, decimalised, prefixed or digited', () => {
    fc.assert(
      fc.property(
        poisha,
        fc.constantFrom<Grouping>('none', 'international', 'lakh'),
        fc.constantFrom('minimal' as const, 'always' as const),
        fc.boolean(),
        fc.constantFrom('', '৳', '৳ ', 'Tk ', 'Tk.'),
        fc.constantFrom('', '/-'),
        (amount, grouping, decimals, bengali, prefix, suffix) => {
          let text = takaText(amount, grouping, decimals);
          if (bengali) text = bengaliDigits(text);
          expect(parseTaka(`${prefix}${text}${suffix}`)).toEqual({ ok: true, poisha: Number(amount) });
        },
      ),
      { numRuns: 500 },
    );
  });

  it('reads back whatever the app itself prints with formatTaka, in Bengali or Latin digits', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), fc.boolean(), (amount, latin) => {
        expect(parseTaka(formatTaka(amount, { latin }))).toEqual({ ok: true, poisha: amount });
      }),
      { numRuns: 500 },
    );
  });
});
