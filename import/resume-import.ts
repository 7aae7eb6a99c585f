// Finishing an import whose loans were saved but whose workflows were not all started (the process
// stopped, or Temporal was unreachable). Each loan's workflow input is rebuilt from the loan row and
// its 'disbursed' event, which records the paper ledger's paid-to-date and when the import computed
// the loan's first state; that state is computed again from the stored policy and schedule, so the
// restarted workflow starts exactly where the saved rows say the loan is. resumeDisbursements cannot
// do this: it knows nothing of prior payments, and imported loans are never left 'disbursing'.
import type { Schedule } from '../domain/schedule';
import type { EpochMs, PaymentInput, ResolvedPolicy, ScheduledInstallment } from '../domain/types';
import { loanInputFromRow, type LoanRow } from '../loans/disburse-loan';
import { setPhase } from './import-jobs';
import { startImportedWorkflows, type ImportRuntime } from './apply-import';
import type { ImportedLoan } from './imported-state';

interface ImportDetail {
  paidToDatePoisha: number;
  priorPayment: PaymentInput | null;
  /** Absent for loans saved before imports computed first states: their workflow applies the paid-to-date itself. */
  stateAt?: EpochMs;
}

interface ImportedRow extends LoanRow {
  imported: ImportDetail | null;
  service_charge_poisha: number;
  total_owed_poisha: number;
  /** As text, so the many loans with the same policy or schedule share one parsed copy. */
  policy: string;
  installments: string;
}

export async function importedLoans(rt: Pick<ImportRuntime, 'sql'>, jobId: string): Promise<ImportedLoan[]> {
  const rows = await rt.sql<ImportedRow[]>`
    SELECT l.id, l.code, l.borrower_id, l.district_id, l.office_id, l.product_code, l.principal_poisha, l.disbursed_at, l.disbursed_by,
      l.service_charge_poisha, l.total_owed_poisha, l.policy::text AS policy, e.detail->'import' AS imported,
      (SELECT json_agg(json_build_object('seq', i.seq, 'dueDate', i.due_date, 'dueAt', (extract(epoch FROM i.due_at) * 1000)::bigint,
        'amountPoisha', i.amount_poisha) ORDER BY i.seq)::text FROM installments i WHERE i.loan_id = l.id) AS installments
    FROM loans l JOIN loan_events e ON e.loan_id = l.id AND e.event_key = 'disbursed'
    WHERE l.import_id = ${jobId} ORDER BY (e.detail#>>'{import,row}')::int`;
  const policies = new Map<string, ResolvedPolicy>();
  const schedules = new Map<string, ScheduledInstallment[]>();
  const parsed = <T>(cache: Map<string, T>, text: string): T => {
    let value = cache.get(text);
    if (value === undefined) cache.set(text, (value = JSON.parse(text) as T));
    return value;
  };
  return rows.map((r) => {
    const input = loanInputFromRow(r);
    if (r.imported?.priorPayment) input.priorPayments = [{ ...r.imported.priorPayment, loanId: r.id }];
    if (r.imported?.stateAt === undefined) return { input, origin: null };
    const schedule: Schedule = { serviceChargePoisha: r.service_charge_poisha, totalOwedPoisha: r.total_owed_poisha, installments: parsed(schedules, r.installments) };
    return { input, origin: { policy: parsed(policies, r.policy), schedule, at: r.imported.stateAt } };
  });
}

/** Starts whatever workflows of a saved import are not running yet, then marks the job done (or failed again). */
export async function resumeImport(rt: ImportRuntime, jobId: string): Promise<void> {
  const loans = await importedLoans(rt, jobId);
  await setPhase(rt.sql, jobId, 'starting', { rowsApplied: loans.length, workflowsStarted: 0 });
  await startImportedWorkflows(rt, jobId, loans);
}
