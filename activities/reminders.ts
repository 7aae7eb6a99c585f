import type { ReminderRequest } from '../domain/types';
import { countSegments } from '../sms/segments';
import { loadTemplatesSync, renderReminder } from '../sms/templates';
import type { ActivityDeps } from '.';

export const REMINDER_TEMPLATE = 'installment_reminder';

// The templates policymakers edit (sms/templates); checked when the worker starts.
const templates = loadTemplatesSync();

export function reminderBody(r: { name: string; loanCode: string; amountDuePoisha: number; dueDate: string }): string {
  return renderReminder(templates, r);
}

export function createReminderActivities({ sql }: ActivityDeps) {
  return {
    /**
     * Puts one reminder in the outbox (the sending channel picks it up). The idempotency key is
     * the loan, installment and reminder name, so a retried or replayed reminder is queued once.
     */
    async queueReminder(r: ReminderRequest): Promise<{ queued: boolean }> {
      const [borrower] = await sql<{ name: string; mobile: string | null }[]>`SELECT name, mobile FROM borrowers WHERE id = ${r.borrowerId}`;
      const name = borrower?.name ?? '';
      const key = `reminder:${r.loanId}:${r.seq}:${r.reminder}`;
      const params = { name, loanCode: r.loanCode, amountDuePoisha: r.amountDuePoisha, dueDate: r.dueDate, seq: r.seq, reminder: r.reminder };
      const body = reminderBody({ name, loanCode: r.loanCode, amountDuePoisha: r.amountDuePoisha, dueDate: r.dueDate });
      const { segments } = countSegments(body);
      const noMobile = !borrower?.mobile;
      return sql.begin(async (tx) => {
        const rows = await tx`
          INSERT INTO outbox (idempotency_key, channel, recipient, borrower_id, loan_id, template, params, body, segments, status, last_error, not_before)
          VALUES (${key}, 'sms', ${borrower?.mobile ?? null}, ${r.borrowerId}, ${r.loanId}, ${REMINDER_TEMPLATE}, ${tx.json(params)}, ${body}, ${segments},
            ${noMobile ? 'skipped' : 'pending'}, ${noMobile ? 'borrower has no mobile number' : null}, ${new Date(r.at)})
          ON CONFLICT (idempotency_key) DO NOTHING
          RETURNING id`;
        if (rows.length > 0) {
          await tx`
            INSERT INTO loan_events (loan_id, event_key, kind, actor, detail, occurred_at)
            VALUES (${r.loanId}, ${key}, 'reminder', 'rule:reminders', ${tx.json({ seq: r.seq, reminder: r.reminder, outboxId: rows[0]!.id, skipped: noMobile })}, ${new Date(r.at)})
            ON CONFLICT (loan_id, event_key) DO NOTHING`;
        }
        return { queued: rows.length > 0 };
      });
    },
  };
}
