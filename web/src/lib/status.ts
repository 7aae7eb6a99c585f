// A loan's status (and an installment's) in the reader's language.
import { m } from '$lib/paraglide/messages';

const LABELS: Record<string, () => string> = {
  disbursing: m.status_disbursing,
  active: m.status_active,
  in_grace: m.status_in_grace,
  overdue: m.status_overdue,
  defaulted: m.status_defaulted,
  blacklisted: m.status_blacklisted,
  closed: m.status_closed,
  settled: m.status_settled,
  written_off: m.status_written_off,
  cancelled: m.status_cancelled,
  due: m.status_due,
  pending: m.status_pending,
  paid: m.status_paid,
  partial: m.status_partial,
};

export const statusLabel = (status: string): string => LABELS[status]?.() ?? status;
