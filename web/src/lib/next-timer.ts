// "What happens next" in words, from the loan workflow's next timer.
import type { NextTimer } from '$domain/types';
import { date, num } from '$lib/format';
import { m } from '$lib/paraglide/messages';

const DAY_MS = 86_400_000;

export function nextTimerText(t: NextTimer, now = Date.now()): string {
  const when = date(t.at);
  const days = Math.max(0, Math.ceil((t.at - now) / DAY_MS));
  const seq = t.seq === null ? '' : num(t.seq);
  switch (t.kind) {
    case 'reminder':
      return m.loans_next_reminder({ date: when, seq });
    case 'deadline':
      return m.loans_next_deadline({ date: when, seq, days: num(days) });
    case 'grace_end':
      return m.loans_next_grace_end({ date: when, seq, days: num(days) });
    case 'review':
      return m.loans_next_review({ date: when });
  }
}
