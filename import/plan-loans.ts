// Checked rows → the loans to write: ids, codes, disbursement instant, schedule and the prior payment
// standing for the paper ledger's paid-to-date, and what each loan's first state is computed from
// (imported-state.ts). Pure apart from random ids.
//
// Paid-to-date: the ledger gives an amount, not dates. It becomes ONE cash payment at disbursement
// + 1 hour, applied before any deadline (by the import, exactly as the workflow would), so it pays
// the earliest installments in order and counts as on time. A borrower who paid late on paper is
// therefore shown as having paid on time; the installments the amount does not cover follow their
// real deadlines (grace, overdue).
import { createHash, randomUUID } from 'node:crypto';
import { dhakaInstant } from '../domain/dhaka-time';
import { generateSchedule, type Schedule } from '../domain/schedule';
import type { EpochMs, LoanInput, PaymentInput, ResolvedPolicy } from '../domain/types';
import { newLoanCode } from '../loans/disburse-loan';
import type { CheckedRow } from './check-database';
import type { ImportedLoan, StateOrigin } from './imported-state';

export interface PlannedLoan extends ImportedLoan {
  row: number;
  checked: CheckedRow;
  borrowerId: string;
  newBorrower: boolean;
  origin: StateOrigin;
}

const HOUR_MS = 3_600_000;
/** What the loan route assumes for a date without a time: disbursed late morning, Dhaka time. */
const DISBURSED_AT = '11:00';
const TRX_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * `IMPORT-<office>-<ledger no.>`, so the same ledger line is the same payment everywhere; a ledger
 * number that is not a valid transaction id (Bengali letters, slashes), and a row without one, use
 * a hash: of the ledger number, or of the file and row number.
 */
export function priorPaymentTrxId(officeId: string, loanRef: string | null, fileSha256: string, row: number): string {
  const direct = loanRef ? `IMPORT-${officeId}-${loanRef}` : null;
  if (direct && TRX_ID.test(direct)) return direct;
  const hash = createHash('sha256').update(loanRef ? `ref:${loanRef}` : `row:${fileSha256}:${row}`).digest('hex');
  return `IMPORT-${officeId}-${loanRef ? 'R' : 'H'}${hash}`.slice(0, 64);
}

export function priorPayment(input: Pick<LoanInput, 'loanId' | 'disbursedAt'>, amountPoisha: number, trxId: string, jobId: string, now: EpochMs): PaymentInput {
  return { loanId: input.loanId, trxId, amountPoisha, paidAt: Math.max(input.disbursedAt, Math.min(input.disbursedAt + HOUR_MS, now)), provider: 'cash', recordedBy: `import:${jobId}` };
}

export function planLoans(
  rows: readonly CheckedRow[],
  policies: readonly ResolvedPolicy[],
  job: { id: string; fileSha256: string; disbursedBy: string },
  now: EpochMs = Date.now(),
): PlannedLoan[] {
  // Unique within the file here; against the loans table in write-import.ts.
  const codes = new Set<string>();
  const schedules = new Map<string, Schedule>();
  return rows.map((checked) => {
    const { v } = checked;
    const loanId = randomUUID();
    let loanCode = newLoanCode();
    while (codes.has(loanCode)) loanCode = newLoanCode();
    codes.add(loanCode);
    // A date of today must not put the disbursement in the future.
    const disbursedAt = Math.min(dhakaInstant(v.disbursedOn, DISBURSED_AT), now);
    const policy = policies[checked.policyIdx]!;
    // Many rows share product, date and amount; their schedules are the same.
    const key = `${checked.policyIdx}|${disbursedAt}|${v.principalPoisha}`;
    let schedule = schedules.get(key);
    if (!schedule) schedules.set(key, (schedule = generateSchedule(v.principalPoisha, disbursedAt, policy)));
    const input: LoanInput = {
      loanId,
      loanCode,
      borrowerId: checked.borrowerId ?? randomUUID(),
      districtCode: checked.districtId,
      upazilaCode: checked.officeId,
      productCode: policy.product.code,
      principalPoisha: v.principalPoisha,
      disbursedAt,
      disbursedBy: job.disbursedBy,
    };
    if (v.paidToDatePoisha > 0) {
      input.priorPayments = [priorPayment(input, v.paidToDatePoisha, priorPaymentTrxId(checked.officeId, v.loanRef, job.fileSha256, v.row), job.id, now)];
    }
    return { row: v.row, input, checked, borrowerId: input.borrowerId, newBorrower: checked.borrowerId === null, origin: { policy, schedule, at: now } };
  });
}
