// bKash amounts are decimal strings ("1050", "1050.5", "1050.00"). They are parsed as text into
// integer poisha, never through a float, and anything with more than two decimals is refused.
import type { Poisha } from '../domain/types';

export class AmountError extends RangeError {
  override name = 'AmountError';
}

const AMOUNT = /^(\d{1,14})(?:\.(\d{1,2}))?$/;

/** "1050.00" → 105000. Throws AmountError naming `field` for anything else (negative, exponent, 3 decimals, spaces, zero unless allowed). */
export function parseTakaAmount(text: unknown, field = 'amount', opts: { allowZero?: boolean } = {}): Poisha {
  if (typeof text !== 'string') throw new AmountError(`${field} must be a decimal string like "1050.00", got ${text === undefined ? 'nothing' : typeof text}`);
  const m = AMOUNT.exec(text);
  if (!m) {
    const why = /^\d+\.\d{3,}$/.test(text) ? 'more than 2 decimals' : 'not a plain decimal amount in taka';
    throw new AmountError(`${field} "${text.slice(0, 40)}" is ${why}`);
  }
  const taka = BigInt(m[1]!);
  const paisa = BigInt((m[2] ?? '').padEnd(2, '0'));
  const poisha = taka * 100n + paisa;
  if (poisha > BigInt(Number.MAX_SAFE_INTEGER)) throw new AmountError(`${field} "${text}" is too large`);
  if (poisha === 0n && !opts.allowZero) throw new AmountError(`${field} must be more than zero, got "${text}"`);
  return Number(poisha);
}

/** 105000 → "1050.00", the form bKash's checkout API takes. */
export function formatTakaAmount(poisha: Poisha): string {
  if (!Number.isSafeInteger(poisha) || poisha < 0) throw new AmountError(`amount must be a non-negative whole number of poisha, got ${poisha}`);
  const taka = Math.floor(poisha / 100);
  const paisa = poisha % 100;
  return `${taka}.${paisa.toString().padStart(2, '0')}`;
}
