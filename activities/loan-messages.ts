// Messages a loan sends besides reminders: its schedule at disbursement, a receipt for each payment,
// a warning when a deadline passes, when it defaults, and the blacklist notice. Each is one outbox
// row with an idempotency key, sent by the SMS dispatcher, worded by the templates in sms/templates.
import { bnDate, bnDigits } from '../domain/bengali';
import { formatTaka } from '../domain/money';
import { countSegments } from '../sms/segments';
import { loadTemplatesSync } from '../sms/templates';
import type { LoanMessage } from '../domain/types';
import type { SqlOrTx } from '../db/client';
import type { ActivityDeps } from '.';

const templates = loadTemplatesSync();


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

/**
 * Queues loan messages in the outbox, each once (its idempotency key); inside the caller's
 * transaction when given one, so a change and the SMS it sends are written together. Returns how
 * many were new.
 */
export async function insertLoanMessages(sql: SqlOrTx, messages: readonly LoanMessage[]): Promise<number> {
  if (messages.length === 0) return 0;
  const ids = [...new Set(messages.map((m) => m.borrowerId))];
  const borrowers = await sql<(MessageRecipient & { id: string })[]>`SELECT id, name, mobile FROM borrowers WHERE id = ANY(${ids})`;
  const byId = new Map(borrowers.map((b) => [b.id, b]));
  const rows = messages.map((m) => loanMessageRow(m, byId.get(m.borrowerId)));
  const inserted = await sql`
    INSERT INTO outbox (idempotency_key, channel, recipient, borrower_id, loan_id, template, params, body, segments, status, last_error, not_before)
    SELECT r.idempotency_key, r.channel, r.recipient, r.borrower_id, r.loan_id, r.template, r.params, r.body, r.segments, r.status, r.last_error, r.not_before
    FROM jsonb_to_recordset(${sql.json(rows as never)}) AS r(idempotency_key text, channel text, recipient text, borrower_id uuid, loan_id uuid,
      template text, params jsonb, body text, segments integer, status text, last_error text, not_before timestamptz)
    ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`;
  return inserted.length;
}

export function createLoanMessageActivities({ sql }: ActivityDeps) {
  return {
    async queueLoanMessage(m: LoanMessage): Promise<{ queued: boolean }> {
      return { queued: (await insertLoanMessages(sql, [m])) > 0 };
    },
  };
}
