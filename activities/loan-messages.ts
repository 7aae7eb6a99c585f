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

/** The borrower as a message needs them (absent: the borrower row is missing). */
export interface MessageRecipient {
  name: string;
  mobile: string | null;
}

/** The outbox row of one loan message. Shared with the bulk import, which queues schedule SMS in bulk. */
export function loanMessageRow(m: LoanMessage, b: MessageRecipient | undefined) {
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
  return {
    idempotency_key: `${m.template}:${m.loanId}:${m.key}`,
    channel: 'sms' as const,
    recipient: b?.mobile ?? null,
    borrower_id: m.borrowerId,
    loan_id: m.loanId,
    template: m.template,
    params: m,
    body,
    segments: countSegments(body).segments,
    status: noMobile ? ('skipped' as const) : ('pending' as const),
    last_error: noMobile ? 'borrower has no mobile number' : null,
    not_before: new Date(m.at),
  };
}

export function createLoanMessageActivities({ sql }: ActivityDeps) {
  return {
    async queueLoanMessage(m: LoanMessage): Promise<{ queued: boolean }> {
      const [b] = await sql<MessageRecipient[]>`SELECT name, mobile FROM borrowers WHERE id = ${m.borrowerId}`;
      const r = loanMessageRow(m, b);
      const rows = await sql`
        INSERT INTO outbox (idempotency_key, channel, recipient, borrower_id, loan_id, template, params, body, segments, status, last_error, not_before)
        VALUES (${r.idempotency_key}, ${r.channel}, ${r.recipient}, ${r.borrower_id}, ${r.loan_id}, ${r.template},
          ${sql.json(r.params as never)}, ${r.body}, ${r.segments}, ${r.status}, ${r.last_error}, ${r.not_before})
        ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`;
      return { queued: rows.length > 0 };
    },
  };
}
