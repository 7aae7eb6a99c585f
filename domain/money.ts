import type { Poisha } from './types';

/** Integer poisha only; anything else is a programming error, never rounded silently. */
export function assertPoisha(value: number, what: string): Poisha {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${what} must be a whole number of poisha, got ${value}`);
  return value;
}

/** principal × bps / 10 000, rounded half up, in integers only. */
export function serviceCharge(principal: Poisha, bps: number): Poisha {
  assertPoisha(principal, 'principal');
  if (!Number.isInteger(bps) || bps < 0) throw new RangeError(`service charge must be whole basis points, got ${bps}`);
  const product = BigInt(principal) * BigInt(bps);
  return Number((product + 5000n) / 10000n);
}

/** Splits `total` into `parts` whole amounts; the rounding remainder goes to the last part. */
export function splitEvenly(total: Poisha, parts: number): Poisha[] {
  assertPoisha(total, 'total');
  if (!Number.isInteger(parts) || parts < 1) throw new RangeError(`parts must be a positive integer, got ${parts}`);
  const base = Math.floor(total / parts);
  const amounts = new Array<Poisha>(parts).fill(base);
  amounts[parts - 1] = total - base * (parts - 1);
  return amounts;
}

export function sum(values: readonly Poisha[]): Poisha {
  let total = 0;
  for (const v of values) total += v;
  return total;
}

const BN_DIGITS = ['০', '১', '২', '৩', '৪', '৫', '৬', '৭', '৮', '৯'];

/** Taka with lakh grouping, e.g. 51000000 poisha → "৳৫,১০,০০০". Bengali digits unless `latin`. */
export function formatTaka(poisha: Poisha, opts: { latin?: boolean } = {}): string {
  const negative = poisha < 0;
  const abs = Math.abs(poisha);
  const taka = Math.floor(abs / 100).toString();
  const paisa = abs % 100;
  const last3 = taka.slice(-3);
  const rest = taka.slice(0, -3).replace(/\B(?=(\d{2})+(?!\d))/g, ',');
  let text = rest ? `${rest},${last3}` : last3;
  if (paisa) text += `.${paisa.toString().padStart(2, '0')}`;
  if (!opts.latin) text = text.replace(/\d/g, (d) => BN_DIGITS[Number(d)]!);
  return `${negative ? '-' : ''}৳${text}`;
}
