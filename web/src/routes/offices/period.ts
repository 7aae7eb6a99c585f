// The report period from the page's query string (?period=this_month|last_month|this_year|custom
// &from=&to=), so every link to a period works without JavaScript. A bad custom period names the
// field at fault and falls back to this month.
import { addDays, addMonths, parseDhakaDate, toDhakaDate } from '$domain/dhaka-time';

export const PERIODS = ['this_month', 'last_month', 'this_year', 'custom'] as const;
export type PeriodKind = (typeof PERIODS)[number];

export interface Period {
  kind: PeriodKind;
  from: string;
  to: string;
  /** The custom dates as typed, to put back in the form. */
  typed: { from: string; to: string };
  error: null | 'from' | 'to' | 'order';
}

const validDate = (text: string): boolean => {
  try {
    parseDhakaDate(text);
    return true;
  } catch {
    return false;
  }
};

export function readPeriod(params: URLSearchParams, now = Date.now()): Period {
  const today = toDhakaDate(now);
  const monthStart = `${today.slice(0, 8)}01`;
  const raw = params.get('period') ?? '';
  const kind: PeriodKind = (PERIODS as readonly string[]).includes(raw) ? (raw as PeriodKind) : params.get('from') || params.get('to') ? 'custom' : 'this_month';
  const typed = { from: params.get('from') ?? '', to: params.get('to') ?? '' };
  const thisMonth = { from: monthStart, to: addDays(addMonths(monthStart, 1), -1) };
  const of = (range: { from: string; to: string }, error: Period['error'] = null): Period => ({ kind, ...range, typed, error });
  switch (kind) {
    case 'this_month':
      return of(thisMonth);
    case 'last_month': {
      const from = addMonths(monthStart, -1);
      return of({ from, to: addDays(monthStart, -1) });
    }
    case 'this_year':
      return of({ from: `${today.slice(0, 4)}-01-01`, to: `${today.slice(0, 4)}-12-31` });
    case 'custom': {
      if (!validDate(typed.from)) return of(thisMonth, 'from');
      if (!validDate(typed.to)) return of(thisMonth, 'to');
      if (typed.from > typed.to) return of(thisMonth, 'order');
      return of({ from: typed.from, to: typed.to });
    }
  }
}

/** The query string that reproduces a period, for links down the tree. */
export function periodParams(p: Period): Record<string, string> {
  return p.kind === 'custom' && !p.error ? { period: 'custom', from: p.from, to: p.to } : p.kind === 'this_month' ? {} : { period: p.kind };
}
