// Dates as Bangladeshi offices write them → Asia/Dhaka `YYYY-MM-DD`. Slashed dates are day first
// (15/07/2025), never the US month-first order.
import type { DhakaDate } from '../domain/types';
import { asciiDigits, cleanText } from './text';

export type DateResult = { ok: true; date: DhakaDate } | { ok: false; reason: string };

/** The Ashrayan project began in 1997; no loan can have been disbursed before it. */
export const ASHRAYAN_START: DhakaDate = '1997-01-01';

const ISO = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;
const DAY_FIRST = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})$/;

function pad(n: string, width: number): string {
  return n.padStart(width, '0');
}

/** A real calendar day: Date.UTC would quietly roll 31/02 over into March, so compare back. */
function isCalendarDate(y: number, m: number, d: number): boolean {
  const at = new Date(Date.UTC(y, m - 1, d));
  return at.getUTCFullYear() === y && at.getUTCMonth() === m - 1 && at.getUTCDate() === d;
}

export function parseImportDate(input: string, today: DhakaDate): DateResult {
  const text = asciiDigits(cleanText(input));
  const iso = ISO.exec(text);
  const dayFirst = iso ? null : DAY_FIRST.exec(text);
  let y: string, m: string, d: string;
  if (iso) [, y = '', m = '', d = ''] = iso;
  else if (dayFirst) [, d = '', , m = '', y = ''] = dayFirst;
  else return { ok: false, reason: 'is not a date; write it as DD/MM/YYYY (day first), e.g. 15/07/2025' };
  if (!isCalendarDate(Number(y), Number(m), Number(d))) return { ok: false, reason: 'is not a real calendar date' };
  const date = `${y}-${pad(m, 2)}-${pad(d, 2)}`;
  if (date > today) return { ok: false, reason: `is in the future (today is ${today})` };
  if (date < ASHRAYAN_START) return { ok: false, reason: 'is before 1997, when the Ashrayan project began' };
  return { ok: true, date };
}
