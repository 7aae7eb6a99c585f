// Finishing an import whose loans were saved but whose workflows were not all started (the process
// stopped, or Temporal was unreachable). Each loan's workflow input is rebuilt from the loan row and
// its 'disbursed' event, which records the paper ledger's paid-to-date, so the restarted workflow
// gets the same prior payment. resumeDisbursements cannot do this: it knows nothing of prior payments,
// and imported loans are stored 'active', so it never sees them.
import type { LoanInput, PaymentInput } from '../domain/types';
import { loanInputFromRow, type LoanRow } from '../loans/disburse-loan';
import { setPhase } from './import-jobs';
import { startImportedWorkflows, type ImportRuntime } from './apply-import';

interface ImportDetail {
  paidToDatePoisha: number;
  priorPayment: PaymentInput | null;
}

export async function importedLoanInputs(rt: Pick<ImportRuntime, 'sql'>, jobId: string): Promise<LoanInput[]> {
  const rows = await rt.sql<(LoanRow & { imported: ImportDetail | null })[]>`
    SELECT l.id, l.code, l.borrower_id, l.district_id, l.office_id, l.product_code, l.principal_poisha, l.disbursed_at, l.disbursed_by,
      e.detail->'import' AS imported
    FROM loans l JOIN loan_events e ON e.loan_id = l.id AND e.event_key = 'disbursed'
    WHERE l.import_id = ${jobId} ORDER BY (e.detail#>>'{import,row}')::int`;
  return rows.map((r) => {
    const input = loanInputFromRow(r);
    if (r.imported?.priorPayment) input.priorPayments = [{ ...r.imported.priorPayment, loanId: r.id }];
    return input;
  });
}

/** Starts whatever workflows of a saved import are not running yet, then marks the job done (or failed again). */
export async function resumeImport(rt: ImportRuntime, jobId: string): Promise<void> {
  const inputs = await importedLoanInputs(rt, jobId);
  await setPhase(rt.sql, jobId, 'starting', { rowsApplied: inputs.length, workflowsStarted: 0 });
  await startImportedWorkflows(rt, jobId, inputs);
}
