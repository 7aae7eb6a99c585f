// Loans written straight into the tables, dated relative to the current Dhaka month, for tests of
// endpoints and pages that only read (no workflow runs for them).
import { randomUUID } from 'node:crypto';
import type { Sql } from '../db/client';
import { addMonths, dhakaInstant, toDhakaDate } from '../domain/dhaka-time';

/** The first day of the Dhaka month `k` months from this one (0 = this month). */
export const monthStart = (k: number): string => addMonths(`${toDhakaDate(Date.now()).slice(0, 8)}01`, k);
/** Day `d` of month `k`, at a Dhaka wall-clock time. */
export const dayIn = (k: number, d: number, time = '12:00'): Date => new Date(dhakaInstant(`${monthStart(k).slice(0, 8)}${String(d).padStart(2, '0')}`, time));

export async function insertLoan(
  sql: Sql,
  opts: { society: string; office: string; district: string; status: string; borrowerName?: string; installments: { k: number; day: number; amount: number }[] },
): Promise<{ loanId: string; borrowerId: string; code: string }> {
  const borrowerId = randomUUID();
  const loanId = randomUUID();
  const code = `T-${loanId.slice(0, 8)}`;
  const owed = opts.installments.reduce((t, i) => t + i.amount, 0);
  await sql`INSERT INTO borrowers (id, society_id, name, father_or_husband_name) VALUES (${borrowerId}, ${opts.society}, ${opts.borrowerName ?? `Member ${opts.status}`}, 'Father')`;
  await sql`INSERT INTO loans (id, code, borrower_id, society_id, office_id, district_id, product_code, principal_poisha, total_owed_poisha, status, disbursed_at, disbursed_by, workflow_id)
    VALUES (${loanId}, ${code}, ${borrowerId}, ${opts.society}, ${opts.office}, ${opts.district}, 'MONTHLY', ${owed}, ${owed}, ${opts.status}, ${dayIn(-3, 1)}, 'test', ${`loan-${loanId}`})`;
  for (const [n, i] of opts.installments.entries()) {
    await sql`INSERT INTO installments (loan_id, seq, due_date, due_at, amount_poisha)
      VALUES (${loanId}, ${n + 1}, ${`${monthStart(i.k).slice(0, 8)}${String(i.day).padStart(2, '0')}`}, ${dayIn(i.k, i.day, '00:00')}, ${i.amount})`;
  }
  return { loanId, borrowerId, code };
}

export async function insertPayment(sql: Sql, loanId: string, at: Date, allocations: [seq: number, amount: number][]): Promise<void> {
  const id = randomUUID();
  const amount = allocations.reduce((t, [, a]) => t + a, 0);
  await sql`INSERT INTO payments (id, trx_id, provider, loan_id, amount_poisha, paid_at, status, recorded_by) VALUES (${id}, ${id}, 'cash', ${loanId}, ${amount}, ${at}, 'applied', 'test')`;
  for (const [seq, a] of allocations) {
    await sql`INSERT INTO payment_allocations (payment_id, loan_id, installment_seq, amount_poisha) VALUES (${id}, ${loanId}, ${seq}, ${a})`;
    await sql`UPDATE installments SET paid_poisha = paid_poisha + ${a}, status = CASE WHEN paid_poisha + ${a} = amount_poisha THEN 'paid' ELSE status END WHERE loan_id = ${loanId} AND seq = ${seq}`;
  }
  await sql`UPDATE loans SET paid_poisha = paid_poisha + ${amount} WHERE id = ${loanId}`;
}

export async function insertStatusEvent(sql: Sql, loanId: string, to: string, at: Date): Promise<void> {
  await sql`INSERT INTO loan_events (loan_id, event_key, kind, to_status, actor, occurred_at) VALUES (${loanId}, ${randomUUID()}, 'status', ${to}, 'test', ${at})`;
}

/**
 * The dashboard scenario: K in JHENAIDAH-KALIGANJ, in grace, 10 000 due on the 5th of M-2 and M-1 and
 * the 1st of this month, 8 000 paid in M-2 and 10 000 in M-1; D1 in MAGURA-SADAR defaulted for the
 * first time this month; D2 there defaulted last month and blacklisted this month.
 */
export async function seedDashboardScenario(sql: Sql): Promise<{ k: string; d1: string; d2: string }> {
  const k = await insertLoan(sql, {
    society: 'SOC-JHENAIDAH-KALIGANJ', office: 'JHENAIDAH-KALIGANJ', district: 'JHENAIDAH', status: 'in_grace', borrowerName: 'আমেনা বেগম',
    installments: [{ k: -2, day: 5, amount: 10_000 }, { k: -1, day: 5, amount: 10_000 }, { k: 0, day: 1, amount: 10_000 }],
  });
  await insertStatusEvent(sql, k.loanId, 'active', dayIn(-3, 1));
  await insertStatusEvent(sql, k.loanId, 'in_grace', dayIn(0, 1, '00:01'));
  await insertPayment(sql, k.loanId, dayIn(-2, 10), [[1, 8_000]]);
  await insertPayment(sql, k.loanId, dayIn(-1, 3), [[1, 2_000], [2, 8_000]]);
  const d1 = await insertLoan(sql, { society: 'SOC-MAGURA-SADAR', office: 'MAGURA-SADAR', district: 'MAGURA', status: 'defaulted', installments: [{ k: -2, day: 5, amount: 10_000 }] });
  await insertStatusEvent(sql, d1.loanId, 'defaulted', dayIn(0, 1, '00:02'));
  const d2 = await insertLoan(sql, { society: 'SOC-MAGURA-SADAR', office: 'MAGURA-SADAR', district: 'MAGURA', status: 'blacklisted', installments: [{ k: -2, day: 5, amount: 10_000 }] });
  await insertStatusEvent(sql, d2.loanId, 'defaulted', dayIn(-1, 20));
  await insertStatusEvent(sql, d2.loanId, 'blacklisted', dayIn(0, 1, '00:03'));
  return { k: k.loanId, d1: d1.loanId, d2: d2.loanId };
}
