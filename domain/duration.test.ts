import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from './duration';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('parseDuration', () => {
  it('reads the units policymakers write', () => {
    expect(parseDuration('7d')).toBe(7 * DAY);
    expect(parseDuration('8h')).toBe(8 * HOUR);
    expect(parseDuration('30s')).toBe(30 * SECOND);
    expect(parseDuration('15m')).toBe(15 * MINUTE);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('2w')).toBe(14 * DAY);
    expect(parseDuration('0d')).toBe(0);
    expect(parseDuration('0s')).toBe(0);
  });

  it('adds up compound durations', () => {
    expect(parseDuration('1d12h')).toBe(DAY + 12 * HOUR);
    expect(parseDuration('1h30m15s')).toBe(HOUR + 30 * MINUTE + 15 * SECOND);
    expect(parseDuration('1m1ms')).toBe(MINUTE + 1);
  });

  it('ignores surrounding spaces', () => {
    expect(parseDuration('  3d ')).toBe(3 * DAY);
  });

  it.each(['', '   ', '7', 'd', '3x', '7D', '7d 8h', '-1d', '1.5h', 'd7', '7dd', '7d!', 'seven days'])('refuses %j', (text) => {
    expect(() => parseDuration(text)).toThrow(/is not a duration/);
  });

  it('sums any sequence of number+unit tokens', () => {
    const unitMs = { ms: 1, s: SECOND, m: MINUTE, h: HOUR, d: DAY, w: 7 * DAY } as const;
    const token = fc.record({ n: fc.integer({ min: 0, max: 10_000 }), unit: fc.constantFrom(...(Object.keys(unitMs) as (keyof typeof unitMs)[])) });
    fc.assert(
      fc.property(fc.array(token, { minLength: 1, maxLength: 6 }), (tokens) => {
        const text = tokens.map((t) => `${t.n}${t.unit}`).join('');
        const expected = tokens.reduce((total, t) => total + t.n * unitMs[t.unit], 0);
        expect(parseDuration(text)).toBe(expected);
      }),
    );
  });
});

describe('formatDuration', () => {
  it('writes zero as 0s', () => {
    expect(formatDuration(0)).toBe('0s');
  });

  it('writes the largest units first and leaves out zero ones', () => {
    expect(formatDuration(DAY + HOUR + MINUTE + SECOND + 1)).toBe('1d1h1m1s1ms');
    expect(formatDuration(15 * DAY)).toBe('15d');
    expect(formatDuration(36 * HOUR)).toBe('1d12h');
    expect(formatDuration(90 * SECOND)).toBe('1m30s');
    expect(formatDuration(1)).toBe('1ms');
  });

  it('reads back as the same number of milliseconds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e13 }), (ms) => {
        expect(parseDuration(formatDuration(ms))).toBe(ms);
      }),
    );
  });
});
