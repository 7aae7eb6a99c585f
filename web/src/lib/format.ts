// Numbers, money and dates as the reader's language writes them: Bengali digits, ৳ with lakh
// grouping and Bengali month names in Bengali; the same values in English otherwise.
import { bnDate, bnDigits } from '$domain/bengali';
import { toDhakaDate } from '$domain/dhaka-time';
import { formatTaka } from '$domain/money';
import { getLocale } from '$lib/paraglide/runtime';

const EN_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const bengali = () => getLocale() === 'bn';

export function num(value: number | string | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  const n = typeof value === 'string' ? Number(value) : value;
  const text = Number.isFinite(n) ? groupLakh(Math.trunc(n)) : String(value);
  return bengali() ? bnDigits(text) : text;
}

/** 510000 → "5,10,000" (lakh grouping, as Bangladesh writes amounts in both languages). */
function groupLakh(n: number): string {
  const sign = n < 0 ? '-' : '';
  const s = String(Math.abs(n));
  if (s.length <= 3) return sign + s;
  const head = s.slice(0, -3).replace(/\B(?=(\d{2})+(?!\d))/g, ',');
  return `${sign}${head},${s.slice(-3)}`;
}

/** Poisha → "৳৫,১০,০০০" (Bengali) or "Tk 5,10,000" (English); paisa shown only when there are any. */
export function taka(poisha: number | string | null | undefined): string {
  if (poisha === null || poisha === undefined) return '—';
  const p = typeof poisha === 'string' ? Number(poisha) : poisha;
  return bengali() ? formatTaka(p) : formatTaka(p, { latin: true });
}

export function percent(ratio: number | null | undefined, digits = 1): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '—';
  const text = `${(ratio * 100).toFixed(digits)}%`;
  return bengali() ? bnDigits(text) : text;
}

/** A Dhaka calendar date "2026-12-10" → "১০ ডিসেম্বর ২০২৬" / "10 Dec 2026". */
export function date(value: string | number | Date | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  const day = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : toDhakaDate(new Date(value).getTime());
  if (bengali()) return bnDate(day);
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return `${d} ${EN_MONTHS[m - 1]} ${y}`;
}

/** An instant in Dhaka time: date and hh:mm. */
export function dateTime(value: string | number | Date | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  const at = new Date(value).getTime();
  const dhaka = new Date(at + 6 * 3_600_000);
  const hm = `${String(dhaka.getUTCHours()).padStart(2, '0')}:${String(dhaka.getUTCMinutes()).padStart(2, '0')}`;
  return `${date(at)} ${bengali() ? bnDigits(hm) : hm}`;
}

/** Digits as written, without grouping (phone numbers, codes): Bengali digits in Bengali. */
export function digits(text: string | null | undefined): string {
  if (!text) return '—';
  return bengali() ? bnDigits(text) : text;
}
