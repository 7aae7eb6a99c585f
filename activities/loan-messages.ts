// Messages a loan sends besides reminders: its schedule at disbursement, a receipt for each payment,
// a warning when a deadline passes, when it defaults, and the blacklist notice. Each is one outbox
// row with an idempotency key, sent by the SMS dispatcher, worded by the templates in sms/templates.
import { bnDate, bnDigits } from '../domain/bengali';
import { formatTaka } from '../domain/money';
import { countSegments } from '../sms/segments';
import { loadTemplatesSync } from '../sms/templates';
import type { ActivityDeps } from '.';

const templates = loadTemplatesSync();

export interface LoanMessage {
  loanId: string;
  loanCode: string;
  borrowerId: string;
  template: 'loan_schedule' | 'payment_receipt' | 'grace_warning' | 'default_warning' | 'blacklist_notice';
  /** Unique for this loan and template (e.g. the trxId of a receipt, the installment of a warning). */
  key: string;
  at: number;
  amountPoisha: number;
  totalPoisha?: number;
  balancePoisha?: number;
  count?: number;
  date?: string;
}

export function createLoanMessageActivities({ sql }: ActivityDeps) {
  return {
    async queueLoanMessage(m: LoanMessage): Promise<{ queued: boolean }> {
      const [b] = await sql<{ name: string; mobile: string | null; failed: boolean }[]>`
        SELECT name, mobile, mobile_failed_at IS NOT NULL AS failed FROM borrowers WHERE id = ${m.borrowerId}`;
      const values: Record<string, string> = {
        name: (b?.name ?? '').split(/\s+/)[0] ?? '',
        loanCode: m.loanCode,
        amount: formatTaka(m.amountPoisha),
        total: m.totalPoisha === undefined ? '' : formatTaka(m.totalPoisha),
        balance: m.balancePoisha === undefined ? '' : formatTaka(m.balancePoisha),
        count: m.count === undefined ? '' : bnDigits(m.count),
        deadline: m.date ? bnDate(m.date) : '',
      };
      const body = templates.render(m.template, values);
      const noMobile = !b?.mobile;
      const rows = await sql`
        INSERT INTO outbox (idempotency_key, channel, recipient, borrower_id, loan_id, template, params, body, segments, status, last_error, not_before)
        VALUES (${`${m.template}:${m.loanId}:${m.key}`}, 'sms', ${b?.mobile ?? null}, ${m.borrowerId}, ${m.loanId}, ${m.template},
          ${sql.json(m as never)}, ${body}, ${countSegments(body).segments}, ${noMobile ? 'skipped' : 'pending'},
          ${noMobile ? 'borrower has no mobile number' : null}, ${new Date(m.at)})
        ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`;
      return { queued: rows.length > 0 };
    },
  };
}
