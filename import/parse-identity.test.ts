import { describe, expect, it } from 'vitest';
import { parseMobile, parseNid } from './parse-identity';

describe('parseMobile', () => {
  it('strips spaces, dashes and a leading +88 or 88, and reads Bengali digits', () => {
    for (const text of ['01712345678', '017-1234-5678', '0171 234 5678', '+8801712345678', '+88 017 1234 5678', '8801712345678', '০১৭১২৩৪৫৬৭৮', '+৮৮০১৭১২-৩৪৫৬৭৮']) {
      expect(parseMobile(text), text).toEqual({ ok: true, value: '01712345678' });
    }
  });

  it('puts back the leading 0 Excel drops from a number typed into a General cell', () => {
    expect(parseMobile('1712345678')).toEqual({ ok: true, value: '01712345678' });
  });

  it('accepts operator prefixes 013 to 019 only, and exactly 11 digits', () => {
    for (const p of ['3', '4', '5', '6', '7', '8', '9']) expect(parseMobile(`01${p}12345678`).ok).toBe(true);
    for (const text of ['01212345678', '01012345678', '0171234567', '017123456789', '+8701712345678', '01712a45678']) {
      expect(parseMobile(text), text).toEqual({ ok: false, reason: 'must be an 11-digit mobile number starting 013–019, e.g. 01712345678' });
    }
  });

  it('explains a number Excel turned into scientific notation', () => {
    expect(parseMobile('1.71235E+09')).toMatchObject({ ok: false, reason: expect.stringMatching(/scientific notation/) });
  });
});

describe('parseNid', () => {
  it('accepts 10, 13 and 17 digits, in Bengali or ASCII, ignoring spaces and dashes', () => {
    expect(parseNid('1234567890')).toEqual({ ok: true, value: '1234567890' });
    expect(parseNid('১৯৯০১২৩৪৫৬৭৮৯')).toEqual({ ok: true, value: '1990123456789' });
    expect(parseNid('19901234 567890-123')).toEqual({ ok: true, value: '19901234567890123' });
  });

  it('refuses other lengths, letters and scientific notation, saying which', () => {
    expect(parseNid('123456789012')).toEqual({ ok: false, reason: 'must be 10, 13 or 17 digits, not 12' });
    expect(parseNid('12345678901234567890')).toEqual({ ok: false, reason: 'must be 10, 13 or 17 digits, not 20' });
    expect(parseNid('NID123456789')).toEqual({ ok: false, reason: 'must contain digits only' });
    expect(parseNid('1.99012E+16')).toMatchObject({ ok: false, reason: expect.stringMatching(/scientific notation/) });
  });
});
