import type { DhakaDate, EpochMs } from './types';

// Bangladesh has kept UTC+6 without daylight saving since 2009, so a fixed offset is exact.
const DHAKA_OFFSET_MS = 6 * 3_600_000;
const DAY_MS = 86_400_000;

export function toDhakaDate(at: EpochMs): DhakaDate {
  return new Date(at + DHAKA_OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant a Dhaka wall-clock time occurs, e.g. ("2026-12-10", "17:00"). */
export function dhakaInstant(date: DhakaDate, time = '00:00'): EpochMs {
  const ms = Date.parse(`${date}T${time}:00.000Z`);
  if (Number.isNaN(ms)) throw new RangeError(`bad Dhaka date/time: ${date} ${time}`);
  return ms - DHAKA_OFFSET_MS;
}

export function parseDhakaDate(text: string): DhakaDate {
  const instant = /^\d{4}-\d{2}-\d{2}$/.test(text) ? Date.parse(`${text}T00:00:00Z`) : Number.NaN;
  if (Number.isNaN(instant) || new Date(instant).toISOString().slice(0, 10) !== text) {
    throw new RangeError(`"${text}" is not a calendar date (YYYY-MM-DD)`);
  }
  return text;
}

/** 0 = Sunday … 5 = Friday, 6 = Saturday. */
export function weekday(date: DhakaDate): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

export function addDays(date: DhakaDate, days: number): DhakaDate {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Adds calendar months, clamping the day to the target month's length (31 Jan + 1 month = 28/29 Feb). */
export function addMonths(date: DhakaDate, months: number, dayOfMonth?: number): DhakaDate {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = index % 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const day = Math.min(dayOfMonth ?? d, lastDay);
  return `${year.toString().padStart(4, '0')}-${(month + 1).toString().padStart(2, '0')}-${day.toString().padStart(2, '0')}`;
}

export function isBusinessDay(date: DhakaDate, weekendDays: readonly number[], holidays: ReadonlySet<DhakaDate>): boolean {
  return !weekendDays.includes(weekday(date)) && !holidays.has(date);
}

/** Moves a date off weekends and public holidays; gives up after a year (a policy error). */
export function shiftToBusinessDay(
  date: DhakaDate,
  shift: 'next' | 'previous' | 'none',
  weekendDays: readonly number[],
  holidays: ReadonlySet<DhakaDate>,
): DhakaDate {
  if (shift === 'none') return date;
  const step = shift === 'next' ? 1 : -1;
  let current = date;
  for (let i = 0; i < 366; i++) {
    if (isBusinessDay(current, weekendDays, holidays)) return current;
    current = addDays(current, step);
  }
  throw new Error(`no business day within a year of ${date}`);
}
