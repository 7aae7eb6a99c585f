// Taka text as clerks write it → integer poisha, by digit strings only: a float would turn
// "1234.56" into 123455.99999… poisha for some values and round silently.
import type { Poisha } from '../domain/types';
import { asciiDigits, cleanText } from './text';

export type TakaResult = { ok: true; poisha: Poisha } | { ok: false; reason: string };

// "৳", "Tk", "Tk.", "BDT" in front; "/-" (the ledger habit "5000/-") or "টাকা" behind.
const PREFIX = /^(?:৳|tk\.?|bdt)\s*/i;
const SUFFIX = /\s*(?:\/-|টাকা)$/;

// Plain digits, or commas in either the international (1,000,000) or the lakh (10,00,000) places.
const GROUPED = /^(?:\d+|\d{1,3}(?:,\d{3})+|\d{1,2}(?:,\d{2})*,\d{3})$/;

const MAX_POISHA = BigInt(Number.MAX_SAFE_INTEGER);

export function parseTaka(input: string): TakaResult {
  let text = asciiDigits(cleanText(input));
  text = text.replace(PREFIX, '').replace(SUFFIX, '');
  if (/^[-−(]/.test(text)) return { ok: false, reason: 'must not be negative' };
  const match = /^([\d,]+)(?:\.(\d*))?$/.exec(text);
  if (!match) return { ok: false, reason: 'is not an amount in taka; write digits only, e.g. 25000 or ২৫,০০০.৫০' };
  const [, whole = '', fraction] = match;
  if (!GROUPED.test(whole)) return { ok: false, reason: 'has commas in the wrong places; write e.g. 5,10,000 or 510000' };
  if (fraction !== undefined && (fraction.length === 0 || fraction.length > 2)) {
    return { ok: false, reason: 'may have at most 2 digits after the decimal point (poisha)' };
  }
  const poisha = BigInt(whole.replace(/,/g, '')) * 100n + BigInt((fraction ?? '').padEnd(2, '0'));
  if (poisha > MAX_POISHA) return { ok: false, reason: 'is far too large to be a loan amount' };
  return { ok: true, poisha: Number(poisha) };
}
