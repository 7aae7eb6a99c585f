// Where the collection report's figures come from. Both give, per child (office below, or society of
// an upazila), the CTEs the report sums: dis (disbursed), col (collected), ins (due, of_due,
// overdue) and stj (loans by status), over `ln`, the loans in scope disbursed before the cutoff.
//
// - fromDayFigures: the money from report_day_figures (per office, society and Dhaka day, kept by
//   the transactions that write installments and allocations: 0017_report_day_figures.sql), read
//   as it is now and corrected by what happened after the cutoff (payments made since, status
//   changes since). An ended period costs what a period running to today costs, plus its aftermath.
// - fromHistory: every loan's status replayed from the audit trail and every allocation re-summed:
//   the definition, kept to hold the first to (api/routes/reports.test.ts).
import type { SqlFragment as Fragment, Sql } from '../../db/client';
import { dhakaInstant, toDhakaDate } from '../../domain/dhaka-time';
import type { ResolvedPeriod } from './reports';

export interface SourceInput {
  sql: Sql;
  period: ResolvedPeriod;
  /** min(end of the period, now): what "as of the end" means. */
  cutoff: Date;
  /** Loans in scope disbursed before the cutoff: id, child, principal_poisha, disbursed_at, status (now). */
  ln: Fragment;
  /** The day figures in scope, each with its child: child, day, due_poisha, due_paid_poisha, collected_poisha. */
  days: Fragment;
}

const EXCLUDED_FROM_OVERDUE = ['written_off', 'cancelled'];

/** Every day figure, folded or not yet: office_id, society_id, day, due_poisha, due_paid_poisha, collected_poisha. */
export function dayFigureRows(sql: Sql): Fragment {
  return sql`
    SELECT office_id, society_id, day, due_poisha, due_paid_poisha, collected_poisha FROM report_day_figures
    UNION ALL
    SELECT office_id, society_id, day, due_poisha, due_paid_poisha, collected_poisha FROM report_day_changes`;
}

export function fromDayFigures({ sql, period, cutoff, ln, days }: SourceInput): Fragment {
  const { start, end } = period;
  const cutoffDay = toDhakaDate(cutoff.getTime());
  const cutoffDayStart = new Date(dhakaInstant(cutoffDay));
  return sql`
    ln AS (${ln}),
    -- Status at the cutoff: the loan's own, unless it changed since; then its audit trail's.
    since AS (SELECT DISTINCT loan_id FROM loan_events WHERE to_status IS NOT NULL AND occurred_at >= ${cutoff}),
    st AS (
      SELECT ln.id, ln.child, ln.principal_poisha, ln.disbursed_at,
        CASE WHEN s.loan_id IS NULL THEN ln.status ELSE coalesce((
          SELECT e.to_status FROM loan_events e
          WHERE e.loan_id = ln.id AND e.to_status IS NOT NULL AND e.occurred_at < ${cutoff}
          ORDER BY e.occurred_at DESC, e.id DESC LIMIT 1), 'disbursing') END AS status
      FROM ln LEFT JOIN since s ON s.loan_id = ln.id),
    dis AS (
      SELECT child, count(*) AS n, sum(principal_poisha) AS amount
      FROM st WHERE disbursed_at >= ${start} AND status <> 'cancelled' GROUP BY child),
    dayf AS (
      SELECT child,
        sum(due_poisha) FILTER (WHERE day BETWEEN ${period.from}::date AND ${period.to}::date) AS due,
        sum(due_paid_poisha) FILTER (WHERE day BETWEEN ${period.from}::date AND ${period.to}::date) AS due_paid,
        sum(collected_poisha) FILTER (WHERE day BETWEEN ${period.from}::date AND ${period.to}::date) AS collected,
        sum(due_poisha - due_paid_poisha) FILTER (WHERE day < ${cutoffDay}::date) AS unpaid_before
      FROM (${days}) d GROUP BY child),
    col AS (SELECT child, collected AS amount FROM dayf),
    -- Money paid at or after the cutoff, which the day figures already count as paid.
    since_paid AS (
      SELECT st.child,
        sum(pa.amount_poisha) FILTER (WHERE p.paid_at >= ${end} AND i.due_at >= ${start} AND i.due_at < ${end}) AS of_due,
        sum(pa.amount_poisha) FILTER (WHERE i.due_at < ${cutoff} AND st.status NOT IN ${sql(EXCLUDED_FROM_OVERDUE)}) AS overdue
      FROM payments p JOIN payment_allocations pa ON pa.payment_id = p.id
      JOIN installments i ON i.loan_id = pa.loan_id AND i.seq = pa.installment_seq
      JOIN st ON st.id = pa.loan_id
      WHERE p.paid_at >= ${cutoff}
      GROUP BY st.child),
    -- Unpaid installments due earlier on the cutoff's own day (the day figures stop at the day before).
    today AS (
      SELECT ln.child, sum(i.amount_poisha - i.paid_poisha) AS unpaid
      FROM installments i JOIN ln ON ln.id = i.loan_id
      WHERE i.status <> 'paid' AND i.due_at >= ${cutoffDayStart} AND i.due_at < ${cutoff}
      GROUP BY ln.child),
    -- Written off or cancelled at the cutoff: not overdue.
    excluded AS (
      SELECT st.child, sum(i.amount_poisha - i.paid_poisha) AS unpaid
      FROM st JOIN installments i ON i.loan_id = st.id
      WHERE st.status IN ${sql(EXCLUDED_FROM_OVERDUE)} AND i.due_at < ${cutoff}
      GROUP BY st.child),
    ins AS (
      SELECT k.id AS child,
        coalesce(d.due, 0) AS due,
        coalesce(d.due_paid, 0) - coalesce(sp.of_due, 0) AS of_due,
        coalesce(d.unpaid_before, 0) + coalesce(t.unpaid, 0) - coalesce(x.unpaid, 0) + coalesce(sp.overdue, 0) AS overdue
      FROM kids k LEFT JOIN dayf d ON d.child = k.id LEFT JOIN since_paid sp ON sp.child = k.id
        LEFT JOIN today t ON t.child = k.id LEFT JOIN excluded x ON x.child = k.id),
    stj AS (SELECT child, jsonb_object_agg(status, n) AS by_status FROM (SELECT child, status, count(*) AS n FROM st GROUP BY child, status) c GROUP BY child),`;
}

export function fromHistory({ sql, period, cutoff, ln }: SourceInput): Fragment {
  const { start, end } = period;
  return sql`
    ln AS (${ln}),
    st AS (
      SELECT ln.id, coalesce((
        SELECT e.to_status FROM loan_events e
        WHERE e.loan_id = ln.id AND e.to_status IS NOT NULL AND e.occurred_at < ${cutoff}
        ORDER BY e.occurred_at DESC, e.id DESC LIMIT 1), 'disbursing') AS status
      FROM ln),
    dis AS (
      SELECT ln.child, count(*) AS n, sum(ln.principal_poisha) AS amount
      FROM ln JOIN st USING (id) WHERE ln.disbursed_at >= ${start} AND st.status <> 'cancelled' GROUP BY ln.child),
    alloc AS (
      SELECT pa.loan_id, pa.installment_seq AS seq, pa.amount_poisha, p.paid_at
      FROM ln JOIN payment_allocations pa ON pa.loan_id = ln.id JOIN payments p ON p.id = pa.payment_id
      WHERE p.paid_at < ${end}),
    col AS (
      SELECT ln.child, sum(a.amount_poisha) AS amount FROM alloc a JOIN ln ON ln.id = a.loan_id WHERE a.paid_at >= ${start} GROUP BY ln.child),
    paid AS (
      SELECT loan_id, seq, sum(amount_poisha) AS by_end, coalesce(sum(amount_poisha) FILTER (WHERE paid_at < ${cutoff}), 0) AS by_cutoff
      FROM alloc GROUP BY loan_id, seq),
    ins AS (
      SELECT ln.child,
        sum(i.amount_poisha) FILTER (WHERE i.due_at >= ${start}) AS due,
        sum(coalesce(p.by_end, 0)) FILTER (WHERE i.due_at >= ${start}) AS of_due,
        sum(greatest(i.amount_poisha - coalesce(p.by_cutoff, 0), 0))
          FILTER (WHERE i.due_at < ${cutoff} AND st.status NOT IN ${sql(EXCLUDED_FROM_OVERDUE)}) AS overdue
      FROM ln JOIN st USING (id) JOIN installments i ON i.loan_id = ln.id
      LEFT JOIN paid p ON p.loan_id = i.loan_id AND p.seq = i.seq
      WHERE i.due_at < ${end}
      GROUP BY ln.child),
    stj AS (SELECT child, jsonb_object_agg(status, n) AS by_status FROM (SELECT ln.child, st.status, count(*) AS n FROM ln JOIN st USING (id) GROUP BY ln.child, st.status) c GROUP BY child),`;
}
