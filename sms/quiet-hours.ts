// Quiet hours in Dhaka wall-clock time (no SMS at night). Pure: the clock is an argument.
import { addDays, dhakaInstant, toDhakaDate } from '../domain/dhaka-time';

export interface QuietHours {
  /** 'HH:MM' Asia/Dhaka; a window may cross midnight (21:00 → 08:00). start = end means none. */
  start: string;
  end: string;
}

function minutes(hhmm: string): number {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm);
  if (!m) throw new RangeError(`quiet hours must be HH:MM, got "${hhmm}"`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** When the quiet window containing `at` ends, or null when `at` is outside quiet hours. */
export function quietUntil(at: number, q: QuietHours): number | null {
  const start = minutes(q.start);
  const end = minutes(q.end);
  if (start === end) return null;
  const date = toDhakaDate(at);
  const now = Math.floor((at - dhakaInstant(date)) / 60_000);
  if (start < end) return now >= start && now < end ? dhakaInstant(date, q.end) : null;
  // Crosses midnight: evening part ends tomorrow morning, early-morning part ends today.
  if (now >= start) return dhakaInstant(addDays(date, 1), q.end);
  if (now < end) return dhakaInstant(date, q.end);
  return null;
}
