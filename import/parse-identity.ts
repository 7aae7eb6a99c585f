// Mobile and NID numbers → the exact forms the borrowers table's CHECK constraints accept.
import { asciiDigits, cleanText } from './text';

export type FieldResult = { ok: true; value: string } | { ok: false; reason: string };

const SEPARATORS = /[\s\-‐‑–—]/g;
const SCIENTIFIC = /^\d+(?:\.\d+)?e\+?\d+$/i;
const EXCEL_SCIENTIFIC =
  'was turned by Excel into scientific notation and has lost digits; format the column as Text and type the number again';

export function parseMobile(input: string): FieldResult {
  let digits = asciiDigits(cleanText(input)).replace(SEPARATORS, '');
  if (SCIENTIFIC.test(digits)) return { ok: false, reason: EXCEL_SCIENTIFIC };
  digits = digits.replace(/^\+?88(?=01)/, '');
  // Excel drops the leading 0 of a number typed into a General cell: 1712345678 is 01712345678.
  if (/^1[3-9]\d{8}$/.test(digits)) digits = `0${digits}`;
  if (!/^01[3-9]\d{8}$/.test(digits)) return { ok: false, reason: 'must be an 11-digit mobile number starting 013–019, e.g. 01712345678' };
  return { ok: true, value: digits };
}

export function parseNid(input: string): FieldResult {
  const digits = asciiDigits(cleanText(input)).replace(SEPARATORS, '');
  if (SCIENTIFIC.test(digits)) return { ok: false, reason: EXCEL_SCIENTIFIC };
  if (!/^\d+$/.test(digits)) return { ok: false, reason: 'must contain digits only' };
  if (![10, 13, 17].includes(digits.length)) return { ok: false, reason: `must be 10, 13 or 17 digits, not ${digits.length}` };
  return { ok: true, value: digits };
}
