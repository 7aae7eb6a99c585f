// Disbursing a loan: the loan row is written first (so nothing is lost if we crash), then its
// workflow is started under an id derived from the loan id (so starting twice is harmless).
import { randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy, type Client } from '@temporalio/client';
import type { Sql } from '../db/client';
import type { LoanState } from '../domain/loan-state';
import type { EpochMs, LoanInput, PaymentInput } from '../domain/types';
import { loanWorkflowId, type LoanWorkflowArgs } from '../workflows/loan-definitions';

export class DisbursementRefused extends Error {
  override name = 'DisbursementRefused';
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

export interface DisburseRequest {
  loanId?: string;
  loanCode?: string;
  borrowerId: string;
  productCode: string;
  principalPoisha: number;
  disbursedAt: EpochMs;
  disbursedBy: string;
  priorPayments?: PaymentInput[];
}

export interface LoanRuntime {
  sql: Sql;
  temporal: Client;
  taskQueue: string;
  /** Tests lower this to force continue-as-new. */
  maxHistoryEvents?: number;
}

/** A short code printed in every SMS and typed as the bKash reference: no 0/O/1/I confusion. */
export function newLoanCode(): string {
  const alphabet = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}

export async function disburseLoan(rt: LoanRuntime, req: DisburseRequest): Promise<LoanInput> {
  if (!Number.isSafeInteger(req.principalPoisha) || req.principalPoisha <= 0) {
    throw new DisbursementRefused('principal must be a positive whole number of poisha', 'principalPoisha');
  }
  const seen = new Set<string>();
  (req.priorPayments ?? []).forEach((p, i) => {
    if (!Number.isSafeInteger(p.amountPoisha) || p.amountPoisha <= 0) {
      throw new DisbursementRefused(`prior payment ${i + 1}: amount must be a positive whole number of poisha`, `priorPayments[${i}].amountPoisha`);
    }
    if (!(p.paidAt >= req.disbursedAt && p.paidAt <= Date.now())) {
      throw new DisbursementRefused(`prior payment ${i + 1}: paid before disbursement or in the future`, `priorPayments[${i}].paidAt`);
    }
    if (seen.has(p.trxId)) throw new DisbursementRefused(`prior payment ${i + 1}: transaction id ${p.trxId} repeated`, `priorPayments[${i}].trxId`);
    seen.add(p.trxId);
  });
  const loanId = req.loanId ?? randomUUID();
  const input = await rt.sql.begin(async (tx) => {
    const [b] = await tx<{ society_id: string; office_id: string; district_id: string }[]>`
      SELECT b.society_id, s.office_id, u.parent_id AS district_id
      FROM borrowers b JOIN societies s ON s.id = b.society_id JOIN offices u ON u.id = s.office_id
      WHERE b.id = ${req.borrowerId}
      FOR UPDATE OF b`;
    if (!b) throw new DisbursementRefused(`no borrower ${req.borrowerId}`, 'borrowerId');
    const [listed] = await tx`SELECT 1 FROM blacklist WHERE borrower_id = ${req.borrowerId} AND settled_at IS NULL LIMIT 1`;
    if (listed) throw new DisbursementRefused('the borrower is blacklisted as a defaulter and barred from new loans', 'borrowerId');
    const loan: LoanInput = {
      loanId,
      loanCode: req.loanCode ?? newLoanCode(),
      borrowerId: req.borrowerId,
      districtCode: b.district_id,
      upazilaCode: b.office_id,
      productCode: req.productCode,
      principalPoisha: req.principalPoisha,
      disbursedAt: req.disbursedAt,
      disbursedBy: req.disbursedBy,
      ...(req.priorPayments?.length ? { priorPayments: req.priorPayments.map((p) => ({ ...p, loanId })) } : {}),
    };
    await tx`
      INSERT INTO loans (id, code, borrower_id, society_id, office_id, district_id, product_code, principal_poisha, status,
        disbursed_at, disbursed_by, workflow_id)
      VALUES (${loan.loanId}, ${loan.loanCode}, ${loan.borrowerId}, ${b.society_id}, ${b.office_id}, ${b.district_id},
        ${loan.productCode}, ${loan.principalPoisha}, 'disbursing', ${new Date(loan.disbursedAt)}, ${loan.disbursedBy},
        ${loanWorkflowId(loanId)})`;
    return loan;
  });
  await startLoanWorkflow(rt, input);
  return input;
}

/**
 * Starts a loan's workflow; already running is fine. With `imported`, the first state an import
 * computed and stored (import/imported-state.ts); such a workflow is started at most once ever, so a
 * resumed import never brings back a loan whose workflow has since finished (written off, repaid).
 * `startDelayMs` holds back the workflow's first task (an update, such as a payment, runs it at once).
 */
export async function startLoanWorkflow(rt: LoanRuntime, input: LoanInput, imported?: LoanState, opts: { startDelayMs?: number } = {}): Promise<void> {
  const args: LoanWorkflowArgs = { input, maxHistoryEvents: rt.maxHistoryEvents, ...(imported ? { state: imported, imported: true } : {}) };
  try {
    await rt.temporal.workflow.start('loanWorkflow', {
      taskQueue: rt.taskQueue,
      workflowId: loanWorkflowId(input.loanId),
      args: [args],
      ...(imported ? { workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE } : {}),
      ...(opts.startDelayMs ? { startDelay: opts.startDelayMs } : {}),
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}

/** A stored loan row, as the columns every reader of loans selects for its workflow input. */
export interface LoanRow {
  id: string;
  code: string;
  borrower_id: string;
  district_id: string;
  office_id: string;
  product_code: string;
  principal_poisha: number;
  disbursed_at: Date;
  disbursed_by: string;
}

/** The loan workflow's input, rebuilt from a stored loan row. */
export function loanInputFromRow(r: LoanRow): LoanInput {
  return {
    loanId: r.id,
    loanCode: r.code,
    borrowerId: r.borrower_id,
    districtCode: r.district_id,
    upazilaCode: r.office_id,
    productCode: r.product_code,
    principalPoisha: r.principal_poisha,
    disbursedAt: r.disbursed_at.getTime(),
    disbursedBy: r.disbursed_by,
  };
}

/** Starts the workflow of every loan left in 'disbursing' by a crash between the insert and the start. */
export async function resumeDisbursements(rt: LoanRuntime): Promise<number> {
  const rows = await rt.sql<LoanRow[]>`
    SELECT id, code, borrower_id, district_id, office_id, product_code, principal_poisha, disbursed_at, disbursed_by
    FROM loans WHERE status = 'disbursing'`;
  for (const r of rows) await startLoanWorkflow(rt, loanInputFromRow(r));
  return rows.length;
}
