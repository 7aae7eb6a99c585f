// Policy files in words, for readers who should not have to read JSON: durations ("15d" → "15 days"),
// a rule's conditions ("missed installments 2 or more, or days past due 60 or more"), weekdays,
// late-payment modes and escalations.
import { num, taka } from '$lib/format';
import { m } from '$lib/paraglide/messages';

const DURATION_UNITS: [string, number, (p: { n: string }) => string, (p: { n: string }) => string][] = [
  ['w', 7 * 86_400_000, m.rules_dur_week_one, m.rules_dur_week],
  ['d', 86_400_000, m.rules_dur_day_one, m.rules_dur_day],
  ['h', 3_600_000, m.rules_dur_hour_one, m.rules_dur_hour],
  ['m', 60_000, m.rules_dur_minute_one, m.rules_dur_minute],
  ['s', 1000, m.rules_dur_second_one, m.rules_dur_second],
];

/** "1d12h" → "1 day 12 hours" / "১ দিন ১২ ঘণ্টা"; anything unreadable is shown as written. */
export function durationWords(text: unknown): string {
  if (typeof text !== 'string') return '—';
  const parts = [...text.trim().matchAll(/(\d+)(ms|s|m|h|d|w)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text.trim()) return text;
  return parts
    .map(([, n, unit]) => {
      if (unit === 'ms') return `${num(Number(n))} ms`;
      const [, , one, many] = DURATION_UNITS.find(([u]) => u === unit)!;
      return Number(n) === 1 ? one({ n: num(1) }) : many({ n: num(Number(n)) });
    })
    .join(' ');
}

/** A list in words: "a, b and c" / "a, b ও c". */
export function listWords(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${m.rules_and()} ${items[items.length - 1]}`;
}

const FACTS: Record<string, () => string> = {
  missedInstallments: m.rules_fact_missed, daysPastDue: m.rules_fact_days_past_due, msPastDue: m.rules_fact_ms_past_due,
  overdueAmountPoisha: m.rules_fact_overdue, outstandingPoisha: m.rules_fact_outstanding, latePaymentCount: m.rules_fact_late_count,
  status: m.rules_fact_status, districtCode: m.rules_fact_district, upazilaCode: m.rules_fact_upazila, productCode: m.rules_fact_product,
  recordKind: m.rules_fact_record_kind, fields: m.rules_fact_fields, affectsMoney: m.rules_fact_affects_money,
  monthsSinceAgm: m.rules_fact_months_agm, monthsSinceAudit: m.rules_fact_months_audit, electionOverdueDays: m.rules_fact_election_overdue, leaders: m.rules_fact_leaders,
};
const MONEY_FACTS = new Set(['overdueAmountPoisha', 'outstandingPoisha']);

const OPERATORS: Record<string, (p: { fact: string; value: string }) => string> = {
  equal: m.rules_op_equal, notEqual: m.rules_op_not_equal, greaterThan: m.rules_op_gt, greaterThanInclusive: m.rules_op_gte,
  lessThan: m.rules_op_lt, lessThanInclusive: m.rules_op_lte, in: m.rules_op_in, notIn: m.rules_op_not_in,
  contains: m.rules_op_contains, doesNotContain: m.rules_op_not_contains,
};

function valueWords(fact: string | undefined, value: unknown): string {
  if (Array.isArray(value)) return value.map((v) => valueWords(fact, v)).join(', ');
  if (typeof value === 'boolean') return value ? m.rules_yes() : m.rules_no();
  if (typeof value === 'number') return fact && MONEY_FACTS.has(fact) ? taka(value) : num(value);
  if (value === null || value === undefined) return '—';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

type Condition = { all?: Condition[]; any?: Condition[]; not?: Condition; fact?: string; operator?: string; value?: unknown };

/** A rule's conditions in a sentence; an empty "all" is "always". */
export function conditionWords(c: Condition | undefined, nested = false): string {
  if (!c) return m.rules_always();
  if (c.all) {
    if (c.all.length === 0) return m.rules_always();
    const text = c.all.map((x) => conditionWords(x, true)).join(` ${m.rules_and()} `);
    return nested && c.all.length > 1 ? `(${text})` : text;
  }
  if (c.any) {
    if (c.any.length === 0) return m.rules_never();
    const text = c.any.map((x) => conditionWords(x, true)).join(`, ${m.rules_or()} `);
    return nested && c.any.length > 1 ? `(${text})` : text;
  }
  if (c.not) return m.rules_not_words({ condition: conditionWords(c.not, true) });
  const fact = (c.fact && FACTS[c.fact]?.()) ?? c.fact ?? '?';
  const op = OPERATORS[c.operator ?? ''];
  const value = valueWords(c.fact, c.value);
  return op ? op({ fact, value }) : `${fact} ${c.operator} ${value}`;
}

/** Who a resolution rule (deadline, grace, …) is for: "all loans" or its conditions. */
export const appliesTo = (c: Condition | undefined): string => {
  const text = conditionWords(c);
  return text === m.rules_always() ? m.rules_all_loans() : text;
};

const WEEKDAYS: Record<string, () => string> = {
  Sun: m.rules_wd_sun, Mon: m.rules_wd_mon, Tue: m.rules_wd_tue, Wed: m.rules_wd_wed, Thu: m.rules_wd_thu, Fri: m.rules_wd_fri, Sat: m.rules_wd_sat,
};
export const weekdayWords = (days: string[]): string => listWords(days.map((d) => WEEKDAYS[d]?.() ?? d));

const SHIFT: Record<string, () => string> = { next: m.rules_shift_next, previous: m.rules_shift_previous, none: m.rules_shift_none };
export const shiftWords = (s: string): string => SHIFT[s]?.() ?? s;

const LATE: Record<string, () => string> = { accept: m.rules_late_accept, accept_late: m.rules_late_accept_late, hold: m.rules_late_hold };
export const lateModeWords = (mode: string): string => LATE[mode]?.() ?? mode;

const ESCALATION: Record<string, () => string> = { default: m.rules_escalate_default, blacklist: m.rules_escalate_blacklist, inactive: m.rules_escalate_inactive };
export const escalationWords = (type: string): string => ESCALATION[type]?.() ?? type;

const TIMEOUT: Record<string, () => string> = { escalate: m.rules_timeout_escalate, remind: m.rules_timeout_remind, reject: m.rules_timeout_reject };
export const timeoutWords = (t: string): string => TIMEOUT[t]?.() ?? t;
