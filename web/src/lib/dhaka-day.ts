// A Dhaka calendar day typed into a date field ↔ the instant "as of the end of that day".
import { addDays, dhakaInstant, parseDhakaDate, toDhakaDate } from '$domain/dhaka-time';

/** "2026-11-30" → the last millisecond of that day in Dhaka, as ISO; null for anything else. */
export function endOfDhakaDay(day: string | null): string | null {
  if (!day) return null;
  try {
    return new Date(dhakaInstant(addDays(parseDhakaDate(day), 1)) - 1).toISOString();
  } catch {
    return null;
  }
}

export const todayInDhaka = (): string => toDhakaDate(Date.now());
