import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countSegments, estimateCostPoisha, isGsm7 } from './segments';

const gsmChar = fc.constantFrom(...'ABCXYZabcxyz0189 .,:;!?@£$_-()'.split(''));
const bengaliChar = fc.constantFrom(...'অআইকখগঘচছজটঠডণতথদনপফবভমযরলশসহ০১২৩৪৫৬৭৮৯ািীুূেৈোৌ্।'.split(''));
const expected = (n: number, single: number, multi: number) => (n === 0 ? 0 : n <= single ? 1 : Math.ceil(n / multi));

describe('segments', () => {
  it('n GSM-7 characters: 160 in one part, then 153 per part', () => {
    fc.assert(
      fc.property(fc.array(gsmChar, { maxLength: 1000 }), (chars) => {
        const info = countSegments(chars.join(''));
        expect(info.encoding).toBe('GSM-7');
        expect(info.segments).toBe(expected(chars.length, 160, 153));
      }),
    );
  });

  it('n Bengali characters: UCS-2, 70 in one part, then 67 per part', () => {
    fc.assert(
      fc.property(fc.array(bengaliChar, { maxLength: 700 }), (chars) => {
        const info = countSegments(chars.join(''));
        if (chars.length) expect(info.encoding).toBe('UCS-2');
        expect(info.units).toBe(chars.length);
        expect(info.segments).toBe(expected(chars.length, 70, 67));
      }),
    );
  });

  it('extension characters count double and are never split across parts', () => {
    expect(countSegments('€'.repeat(80))).toMatchObject({ encoding: 'GSM-7', units: 160, segments: 1 });
    expect(countSegments('€'.repeat(81)).segments).toBe(2); // 162 septets
    // 152 plain + one € (2 septets) does not fit the first 153-septet part: it moves whole.
    expect(countSegments(`${'a'.repeat(152)}€${'a'.repeat(10)}`)).toMatchObject({ units: 164, segments: 2 });
    expect(countSegments(`${'a'.repeat(152)}€${'a'.repeat(152)}`).segments).toBe(3);
  });

  it('one non-GSM character makes the whole text UCS-2; emoji take two code units', () => {
    expect(isGsm7('Taka 500 due 10 Dec')).toBe(true);
    expect(countSegments(`${'a'.repeat(69)}৳`)).toMatchObject({ encoding: 'UCS-2', segments: 1 });
    expect(countSegments(`${'a'.repeat(70)}৳`)).toMatchObject({ encoding: 'UCS-2', segments: 2 });
    expect(countSegments('😀'.repeat(35))).toMatchObject({ units: 70, segments: 1 });
    expect(countSegments('😀'.repeat(36)).segments).toBe(2);
  });

  it('cost is whole poisha: parts × the price for the encoding', () => {
    const prices = { gsmPerSegmentPoisha: 25, ucs2PerSegmentPoisha: 35 };
    expect(estimateCostPoisha('a'.repeat(161), prices)).toBe(50);
    expect(estimateCostPoisha('ক'.repeat(71), prices)).toBe(70);
    expect(() => estimateCostPoisha('a', { gsmPerSegmentPoisha: 0.5, ucs2PerSegmentPoisha: 1 })).toThrow(/whole poisha/);
  });
});
