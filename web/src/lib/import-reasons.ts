// The importer's row reasons (import/*.ts, in English) in the reader's language. Each known reason
// is matched by its pattern and rewritten with its numbers kept; an unknown one is shown as it came.
import { num } from '$lib/format';
import { m } from '$lib/paraglide/messages';
import { getLocale } from '$lib/paraglide/runtime';

const PATTERNS: [RegExp, (g: string[]) => string][] = [
  [/^is required but empty$/, () => m.imp_r_required()],
  [/^must be written in letters$/, () => m.imp_r_letters()],
  [/^must contain digits only$/, () => m.imp_r_digits()],
  [/^must be an 11-digit mobile number/, () => m.imp_r_mobile()],
  [/^must be 10, 13 or 17 digits, not (\d+)$/, (g) => m.imp_r_nid({ n: num(g[1]!) })],
  [/^is not an amount in taka/, () => m.imp_r_amount()],
  [/^has commas in the wrong places/, () => m.imp_r_commas()],
  [/^may have at most 2 digits after the decimal point/, () => m.imp_r_poisha()],
  [/^must be more than 0$/, () => m.imp_r_positive()],
  [/^must not be negative$/, () => m.imp_r_negative()],
  [/^is far too large to be a loan amount$/, () => m.imp_r_too_large()],
  [/^is not a date; write it as DD\/MM\/YYYY/, () => m.imp_r_date()],
  [/^is not a real calendar date$/, () => m.imp_r_calendar()],
  [/^is in the future \(today is (\d{4}-\d{2}-\d{2})\)$/, (g) => m.imp_r_future({ today: g[1]! })],
  [/^is before 1997/, () => m.imp_r_before_1997()],
  [/^Excel turned this value into a date/, () => m.imp_r_excel_date()],
  [/^is not a loan product code such as/, () => m.imp_r_product_code()],
  [/^is not a loan product; use one of (.+)$/, (g) => m.imp_r_product({ codes: g[1]! })],
  [/^is not a society of your office (.+)$/, (g) => m.imp_r_society_scope({ office: g[1]! })],
  [/^is a closed \(inactive\) society/, () => m.imp_r_society_closed()],
  [/^the row has (\d+) values but the header has (\d+) columns/, (g) => m.imp_r_columns({ values: num(g[1]!), columns: num(g[2]!) })],
];

/** The reason in Bengali when the page is Bengali and the reason is known; otherwise as the importer wrote it. */
export function importReason(reason: string): { text: string; lang: 'bn' | 'en' } {
  if (getLocale() !== 'bn') return { text: reason, lang: 'en' };
  for (const [re, say] of PATTERNS) {
    const g = reason.match(re);
    if (g) return { text: say([...g]), lang: 'bn' };
  }
  return { text: reason, lang: 'en' };
}
