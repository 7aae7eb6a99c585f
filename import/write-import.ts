// Planned loans → borrowers, loans, installments and 'disbursed' audit events, written in bulk inside
// the caller's transaction. Each loan is stored as activities/disbursement.ts would store it (policy
// pinned, schedule, status 'active', the 'disbursed' event), so the loan's workflow reads them back
// instead of resolving the policy again.
import type { Sql } from '../db/client';
import type { ResolvedPolicy } from '../domain/types';
import { newLoanCode } from '../loans/disburse-loan';
import { rememberRuleVersions } from '../activities/rule-versions';
import type { PolicySet } from '../policy/policy-store';
import { loanWorkflowId } from '../workflows/loan-definitions';
import { copyRows } from './copy-rows';
import type { PlannedLoan } from './plan-loans';

/** Rows per round trip: big enough for COPY to stream, small enough to report progress often. */
const CHUNK = 5_000;

/** Random 8-character codes rarely collide, but 100 000 of them against a full table sometimes do. */
async function makeCodesUnique(tx: Sql, planned: PlannedLoan[]): Promise<void> {
  for (;;) {
    const taken = new Set(
      (await tx<{ code: string }[]>`SELECT code FROM loans WHERE code = ANY(${tx.array(planned.map((p) => p.input.loanCode))}::text[])`).map((r) => r.code),
    );
    if (taken.size === 0) return;
    const inFile = new Set(planned.map((p) => p.input.loanCode));
    for (const p of planned) {
      if (!taken.has(p.input.loanCode)) continue;
      let code = newLoanCode();
      while (inFile.has(code)) code = newLoanCode();
      inFile.add(code);
      p.input.loanCode = code;
    }
  }
}

export async function writeImport(
  tx: Sql,
  job: { id: string },
  planned: PlannedLoan[],
  policies: readonly ResolvedPolicy[],
  set: PolicySet,
  onProgress: (rowsWritten: number) => Promise<void>,
): Promise<void> {
  await rememberRuleVersions(tx, Object.values(set.files));
  await makeCodesUnique(tx, planned);

  // Each distinct policy is sent once and joined in, instead of a copy per loan.
  await tx`CREATE TEMP TABLE import_policies (idx integer PRIMARY KEY, policy jsonb NOT NULL) ON COMMIT DROP`;
  await copyRows(tx, 'import_policies', ['idx', 'policy'], policies.map((p, i) => [i, p]));
  await tx`CREATE TEMP TABLE import_loans (id uuid, code text, borrower_id uuid, society_id text, office_id text, district_id text,
    product_code text, principal_poisha bigint, service_charge_poisha bigint, total_owed_poisha bigint, disbursed_at timestamptz,
    disbursed_by text, workflow_id text, ledger_ref text, policy_idx integer, import_detail jsonb) ON COMMIT DROP`;

  for (let start = 0; start < planned.length; start += CHUNK) {
    const chunk = planned.slice(start, start + CHUNK);
    await copyRows(
      tx,
      'borrowers',
      ['id', 'society_id', 'name', 'father_or_husband_name', 'mobile', 'nid', 'barrack_no', 'room_no'],
      chunk.filter((p) => p.newBorrower).map(({ borrowerId, checked: { v } }) => [borrowerId, v.societyId, v.borrowerName, v.fatherOrHusbandName, v.mobile, v.nid, v.barrackNo, v.roomNo]),
    );
    await copyRows(
      tx,
      'import_loans',
      ['id', 'code', 'borrower_id', 'society_id', 'office_id', 'district_id', 'product_code', 'principal_poisha', 'service_charge_poisha',
        'total_owed_poisha', 'disbursed_at', 'disbursed_by', 'workflow_id', 'ledger_ref', 'policy_idx', 'import_detail'],
      chunk.map(({ input, checked, schedule, row }) => [
        input.loanId, input.loanCode, input.borrowerId, checked.v.societyId, input.upazilaCode, input.districtCode, input.productCode,
        input.principalPoisha, schedule.serviceChargePoisha, schedule.totalOwedPoisha, new Date(input.disbursedAt), input.disbursedBy,
        loanWorkflowId(input.loanId), checked.v.loanRef, checked.policyIdx,
        // Where the loan came from and what the paper ledger said: the audit trail's answer to "why".
        { id: job.id, row, ledgerRef: checked.v.loanRef, paidToDatePoisha: checked.v.paidToDatePoisha, priorPayment: input.priorPayments?.[0] ?? null },
      ]),
    );
    await tx`
      INSERT INTO loans (id, code, borrower_id, society_id, office_id, district_id, product_code, principal_poisha, service_charge_poisha,
        total_owed_poisha, status, disbursed_at, disbursed_by, workflow_id, policy, rule_set_version, ledger_ref, import_id)
      SELECT s.id, s.code, s.borrower_id, s.society_id, s.office_id, s.district_id, s.product_code, s.principal_poisha, s.service_charge_poisha,
        s.total_owed_poisha, 'active', s.disbursed_at, s.disbursed_by, s.workflow_id, p.policy, p.policy->>'ruleSetVersion', s.ledger_ref, ${job.id}
      FROM import_loans s JOIN import_policies p ON p.idx = s.policy_idx`;
    // The same event, with the same facts and detail, as recordDisbursement writes (plus where it came from).
    await tx`
      INSERT INTO loan_events (loan_id, event_key, kind, from_status, to_status, actor, rule_kind, rule_name, rule_version,
        rule_set_version, facts, detail, occurred_at)
      SELECT s.id, 'disbursed', 'disbursed', 'disbursing', 'active', s.disbursed_by, 'products', p.policy#>>'{product,code}',
        p.policy#>>'{refs,product,version}', p.policy->>'ruleSetVersion',
        jsonb_build_object('principalPoisha', s.principal_poisha, 'productCode', s.product_code, 'districtCode', s.district_id, 'upazilaCode', s.office_id),
        jsonb_build_object('serviceChargePoisha', s.service_charge_poisha, 'totalOwedPoisha', s.total_owed_poisha, 'refs', p.policy->'refs',
          'import', s.import_detail),
        s.disbursed_at
      FROM import_loans s JOIN import_policies p ON p.idx = s.policy_idx`;
    await copyRows(
      tx,
      'installments',
      ['loan_id', 'seq', 'due_date', 'due_at', 'amount_poisha'],
      (function* () {
        for (const { input, schedule } of chunk) {
          for (const i of schedule.installments) yield [input.loanId, i.seq, i.dueDate, new Date(i.dueAt), i.amountPoisha];
        }
      })(),
    );
    await tx`TRUNCATE import_loans`;
    await onProgress(start + chunk.length);
  }
}
