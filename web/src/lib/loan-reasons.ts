// Why the loan workflow decided something (domain/loan-changes.ts, workflows/loan.ts: English) in the
// reader's language. Known reasons are rewritten with their numbers and dates kept; a default rule's
// own reason (rules/default.json) or an officer's typed reason is shown as written.
import { date, num } from '$lib/format';
import { m } from '$lib/paraglide/messages';
import { getLocale } from '$lib/paraglide/runtime';

const PATTERNS: [RegExp, (g: string[]) => string][] = [
  [/^loan disbursed; schedule generated$/, () => m.loans_r_disbursed()],
  [/^payment received$/, () => m.loans_r_payment()],
  [/^held payment accepted by (.+)$/, (g) => m.loans_r_held_accepted({ by: g[1]! })],
  [/^amount owed corrected by request (.+)$/, (g) => m.loans_r_amended({ request: g[1]! })],
  [/^installment (\d+) unpaid at its deadline; grace until (\S+)$/, (g) => m.loans_r_grace({ seq: num(Number(g[1])), date: date(g[2]!) })],
  [/^installment (\d+) still unpaid when grace ended$/, (g) => m.loans_r_overdue({ seq: num(Number(g[1])) })],
];

const BENGALI = /[\u0980-\u09FF]/;

/** The reason in Bengali on a Bengali page when it is a known one; otherwise as written, with its language. */
export function loanReason(reason: string): { text: string; lang: 'bn' | 'en' } {
  const own = BENGALI.test(reason) ? 'bn' : 'en';
  if (getLocale() !== 'bn' || own === 'bn') return { text: reason, lang: own };
  for (const [re, say] of PATTERNS) {
    const g = reason.match(re);
    if (g) return { text: say([...g]), lang: 'bn' };
  }
  return { text: reason, lang: 'en' };
}
