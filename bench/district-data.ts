// A district seeded straight into PostgreSQL for the read benchmarks (dashboard, reports): 6
// upazilas, 22 societies, `loans` loans disbursed over the last twelve months with twelve monthly
// installments each, payments and allocations for what was paid, and status events. No workflows:
// these benchmarks only read. Also the timing helpers they share.
import { randomUUID } from 'node:crypto';
import type { Sql } from '../db/client';
import { addMonths, dhakaInstant, toDhakaDate } from '../domain/dhaka-time';
import { seedOffices } from '../tests/loan-harness';

const WARMUP = 3;
export const UPAZILAS = ['JHENAIDAH-SADAR', 'KALIGANJ', 'SHAILKUPA', 'HARINAKUNDA', 'KOTCHANDPUR', 'MAHESHPUR'];
const SOCIETIES = 22;
const INSTALLMENT = 105_000;
export const ms = (x: number) => +x.toFixed(1);

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function insertChunks(sql: Sql, table: string, rows: Record<string, unknown>[], size = 5000): Promise<void> {
  for (let i = 0; i < rows.length; i += size) await sql`INSERT INTO ${sql(table)} ${sql(rows.slice(i, i + size))}`;
}

/** Loan i: disbursed i % 12 months back; each installment due on the 10th after it is paid on time by most, late or never by some. */
export async function seedDistrict(sql: Sql, LOANS: number): Promise<{ loans: number; installments: number; payments: number }> {
  await seedOffices(sql);
  await sql`INSERT INTO offices ${sql(UPAZILAS.slice(1).map((id) => ({ id, parent_id: 'JHENAIDAH', level: 'upazila', name_bn: id, name_en: id })))}`;
  const societies = Array.from({ length: SOCIETIES }, (_, i) => ({ id: `SOC-B${i}`, office_id: UPAZILAS[i % UPAZILAS.length]!, name_bn: `সমিতি ${i}`, name_en: `Society ${i}`, project_name: 'আশ্রয়ণ-২' }));
  await sql`INSERT INTO societies ${sql(societies)}`;
  const now = Date.now();
  const thisMonth = `${toDhakaDate(now).slice(0, 8)}01`;
  const borrowers: Record<string, unknown>[] = [];
  const loans: Record<string, unknown>[] = [];
  const installments: Record<string, unknown>[] = [];
  const payments: Record<string, unknown>[] = [];
  const allocations: Record<string, unknown>[] = [];
  const events: Record<string, unknown>[] = [];
  for (let i = 0; i < LOANS; i++) {
    const society = societies[i % SOCIETIES]!;
    const borrowerId = randomUUID();
    const loanId = randomUUID();
    const disbursedOn = addMonths(thisMonth, -(i % 12) - 1, 1 + (i % 27));
    const disbursedAt = new Date(dhakaInstant(disbursedOn, '11:00'));
    borrowers.push({ id: borrowerId, society_id: society.id, name: `ঋণগ্রহীতা ${i}`, father_or_husband_name: `পিতা ${i}` });
    let paid = 0;
    let missed = 0;
    for (let seq = 1; seq <= 12; seq++) {
      const dueDate = addMonths(disbursedOn, seq, 10);
      const dueAt = dhakaInstant(dueDate, '17:00');
      // One loan in ten stops paying after its third installment; one in seven pays a week late.
      const pays = dueAt < now && !(i % 10 === 0 && seq > 3);
      const paidAt = new Date(dueAt - 86_400_000 * 2 + (i % 7 === 0 ? 9 * 86_400_000 : 0));
      const onTime = pays && paidAt.getTime() < now;
      installments.push({ loan_id: loanId, seq, due_date: dueDate, due_at: new Date(dueAt), amount_poisha: INSTALLMENT, paid_poisha: onTime ? INSTALLMENT : 0, status: onTime ? 'paid' : 'pending', paid_at: onTime ? paidAt : null });
      if (onTime) {
        const paymentId = randomUUID();
        payments.push({ id: paymentId, trx_id: paymentId, provider: 'bkash', loan_id: loanId, amount_poisha: INSTALLMENT, paid_at: paidAt, status: 'applied', recorded_by: 'bench' });
        allocations.push({ payment_id: paymentId, loan_id: loanId, installment_seq: seq, amount_poisha: INSTALLMENT });
        paid += INSTALLMENT;
      } else if (dueAt < now) missed += 1;
    }
    const status = missed === 0 ? 'active' : missed === 1 ? 'in_grace' : missed === 2 ? 'overdue' : missed < 5 ? 'defaulted' : 'blacklisted';
    loans.push({ id: loanId, code: `JH-${i}`, borrower_id: borrowerId, society_id: society.id, office_id: society.office_id, district_id: 'JHENAIDAH', product_code: 'MONTHLY',
      principal_poisha: 1_200_000, service_charge_poisha: 60_000, total_owed_poisha: 12 * INSTALLMENT, paid_poisha: paid, status, disbursed_at: disbursedAt, disbursed_by: 'bench', workflow_id: `loan-${loanId}` });
    events.push({ loan_id: loanId, event_key: 'disbursed', kind: 'status', from_status: 'disbursing', to_status: 'active', actor: 'bench', occurred_at: disbursedAt });
    if (status !== 'active') events.push({ loan_id: loanId, event_key: `to-${status}`, kind: 'status', from_status: 'active', to_status: status, actor: 'bench', occurred_at: new Date(now - (i % 40) * 86_400_000) });
  }
  await insertChunks(sql, 'borrowers', borrowers);
  await insertChunks(sql, 'loans', loans, 2000);
  await insertChunks(sql, 'installments', installments);
  await insertChunks(sql, 'payments', payments);
  await insertChunks(sql, 'payment_allocations', allocations);
  await insertChunks(sql, 'loan_events', events);
  // What autovacuum does on a real server soon after a bulk load: statistics, and the visibility map
  // that lets a list read an index alone (0019_defaulters_covering_index.sql).
  await sql`VACUUM ANALYZE`;
  return { loans: loans.length, installments: installments.length, payments: payments.length };
}

/** Each probe once per round, round after round, so load from others on a shared machine falls on all alike. */
export async function rounds(n: number, probes: Record<string, () => Promise<void>>): Promise<Record<string, number[]>> {
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(probes).map((k) => [k, []]));
  for (let i = 0; i < WARMUP + n; i++) {
    for (const [name, fn] of Object.entries(probes)) {
      const t = performance.now();
      await fn();
      if (i >= WARMUP) times[name]!.push(performance.now() - t);
    }
  }
  return times;
}

