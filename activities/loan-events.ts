import { randomUUID } from 'node:crypto';
import type { LoanEventRecord } from '../domain/types';
import type { ActivityDeps } from '.';
import { insertLoanMessages } from './loan-messages';

export function createLoanEventActivities({ sql }: ActivityDeps) {
  return {
    /**
     * Writes one change of a loan in a single transaction: the audit event, the payment and its
     * allocations, the loan's and installments' new state, blacklist entries. Idempotent by the
     * event key; a snapshot older than what is stored never overwrites it.
     */
    async persistLoanEvent(e: LoanEventRecord): Promise<void> {
      await sql.begin(async (tx) => {
        const inserted = await tx`
          INSERT INTO loan_events (loan_id, event_key, kind, from_status, to_status, actor, rule_kind, rule_name, rule_version,
            rule_set_version, facts, detail, occurred_at)
          VALUES (${e.loanId}, ${e.key}, ${e.kind}, ${e.from}, ${e.to}, ${e.actor}, ${e.rule?.kind ?? null}, ${e.rule?.rule ?? null},
            ${e.rule?.version ?? null}, ${e.ruleSetVersion}, ${e.facts ? tx.json(e.facts as never) : null},
            ${e.detail ? tx.json(e.detail as never) : null}, ${new Date(e.at)})
          ON CONFLICT (loan_id, event_key) DO NOTHING
          RETURNING id`;
        if (inserted.length === 0) return; // already written by an earlier attempt
        if (e.messages?.length) await insertLoanMessages(tx, e.messages);

        if (e.payment) {
          const p = e.payment;
          const status = p.outcome;
          const [payment] = await tx<{ id: string }[]>`
            INSERT INTO payments (id, trx_id, provider, loan_id, amount_poisha, paid_at, payer_msisdn, reference, status, late,
              excess_poisha, recorded_by)
            VALUES (${randomUUID()}, ${p.trxId}, ${p.provider}, ${e.loanId}, ${p.amountPoisha}, ${new Date(p.paidAt)},
              ${p.payerMsisdn ?? null}, ${p.reference ?? null}, ${status}, ${p.late}, ${p.excessPoisha}, ${p.recordedBy})
            ON CONFLICT (trx_id) DO UPDATE SET loan_id = excluded.loan_id, status = excluded.status, late = excluded.late,
              excess_poisha = excluded.excess_poisha,
              decided_by = CASE WHEN payments.status = 'held' THEN ${e.actor} ELSE payments.decided_by END,
              decided_at = CASE WHEN payments.status = 'held' THEN now() ELSE payments.decided_at END
            WHERE payments.status IN ('received', 'held')
            RETURNING id`;
          if (payment && p.allocations.length > 0) {
            const rows = p.allocations.map((a) => ({ payment_id: payment.id, loan_id: e.loanId, installment_seq: a.seq, amount_poisha: a.amountPoisha }));
            await tx`INSERT INTO payment_allocations ${tx(rows)} ON CONFLICT DO NOTHING`;
          }
        }

        const [loan] = await tx<{ borrower_id: string }[]>`
          UPDATE loans SET status = ${e.snapshot.status}, paid_poisha = ${e.snapshot.paidPoisha}, credit_poisha = ${e.snapshot.creditPoisha},
            state_version = ${e.version},
            status_changed_at = CASE WHEN status <> ${e.snapshot.status} THEN ${new Date(e.at)} ELSE status_changed_at END,
            closed_reason = COALESCE(${e.closedReason}, closed_reason),
            principal_poisha = COALESCE(${e.amounts?.principalPoisha ?? null}, principal_poisha),
            service_charge_poisha = COALESCE(${e.amounts?.serviceChargePoisha ?? null}, service_charge_poisha),
            total_owed_poisha = COALESCE(${e.amounts?.totalOwedPoisha ?? null}, total_owed_poisha)
          WHERE id = ${e.loanId} AND state_version < ${e.version}
          RETURNING borrower_id`;
        if (!loan) return; // a newer snapshot is already stored

        if (e.snapshot.installments.length > 0) {
          const rows = e.snapshot.installments.map((i) => ({
            seq: i.seq,
            due_date: i.dueDate,
            due_at: new Date(i.dueAt).toISOString(),
            status: i.status,
            amount_poisha: i.amountPoisha,
            paid_poisha: i.paidPoisha,
            paid_at: i.paidAt === null ? null : new Date(i.paidAt).toISOString(),
            late_by_ms: i.lateByMs,
          }));
          // Upsert: a correction of the number of installments adds new ones.
          await tx`
            INSERT INTO installments (loan_id, seq, due_date, due_at, status, amount_poisha, paid_poisha, paid_at, late_by_ms)
            SELECT ${e.loanId}, r.seq, r.due_date, r.due_at, r.status, r.amount_poisha, r.paid_poisha, r.paid_at, r.late_by_ms
            FROM jsonb_to_recordset(${tx.json(rows as never)})
              AS r(seq integer, due_date date, due_at timestamptz, status text, amount_poisha bigint, paid_poisha bigint, paid_at timestamptz, late_by_ms bigint)
            ON CONFLICT (loan_id, seq) DO UPDATE SET status = excluded.status, amount_poisha = excluded.amount_poisha,
              paid_poisha = excluded.paid_poisha, paid_at = excluded.paid_at, late_by_ms = excluded.late_by_ms`;
        }
        if (e.snapshot.removedSeqs?.length) {
          await tx`DELETE FROM installments WHERE loan_id = ${e.loanId} AND seq = ANY(${e.snapshot.removedSeqs})`;
        }

        if (e.blacklist === 'list') {
          await tx`
            INSERT INTO blacklist (borrower_id, loan_id, listed_at, rule_name, rule_version, facts)
            VALUES (${loan.borrower_id}, ${e.loanId}, ${new Date(e.at)}, ${e.rule?.rule ?? 'unknown'}, ${e.rule?.version ?? 'unknown'},
              ${tx.json((e.facts ?? {}) as never)})
            ON CONFLICT DO NOTHING`;
        } else if (e.blacklist === 'settle') {
          await tx`
            UPDATE blacklist SET settled_at = ${new Date(e.at)}, settled_by = ${e.actor}
            WHERE loan_id = ${e.loanId} AND settled_at IS NULL`;
        }
      });
    },
  };
}
