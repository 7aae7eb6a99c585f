// Planned loans → everything their first state implies (imported-state.ts), written in bulk inside
// the caller's transaction: borrowers; loans with the policy pinned, their status and amounts paid;
// installments with what the paid-to-date paid; the 'disbursed' event as activities/disbursement.ts
// writes it; the paid-to-date's payment, allocations and event as activities/loan-events.ts writes
// them (persistLoanEvent); the schedule SMS as activities/loan-messages.ts queues it. The loan's
// workflow then starts from that state and does none of it again.
import { randomUUID } from 'node:crypto';
import type { Sql } from '../db/client';
import { arrearsAt, paidTotal } from '../domain/loan-state';
import type { ResolvedPolicy } from '../domain/types';
import { newLoanCode } from '../loans/disburse-loan';
import { loanMessageRow, type MessageRecipient } from '../activities/loan-messages';
import { rememberRuleVersions } from '../activities/rule-versions';
import type { PolicySet } from '../policy/policy-store';
import { loanWorkflowId } from '../workflows/loan-definitions';
import { copyRows, type CopyValue } from './copy-rows';
import { importedStart } from './imported-state';
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
  // The schedule SMS greets the borrower by the name on file: an existing borrower's may differ from the row's.
  const existing = [...new Set(planned.filter((p) => !p.newBorrower).map((p) => p.borrowerId))];
  const recipients = new Map<string, MessageRecipient>(
    (await tx<(MessageRecipient & { id: string })[]>`SELECT id, name, mobile FROM borrowers WHERE id = ANY(${tx.array(existing)}::uuid[])`).map((b) => [b.id, b]),
  );

  // Each distinct policy is sent once and joined in, instead of a copy per loan.
  await tx`CREATE TEMP TABLE import_policies (idx integer PRIMARY KEY, policy jsonb NOT NULL) ON COMMIT DROP`;
  await copyRows(tx, 'import_policies', ['idx', 'policy'], policies.map((p, i) => [i, p]));
  await tx`CREATE TEMP TABLE import_loans (id uuid, code text, borrower_id uuid, society_id text, office_id text, district_id text,
    product_code text, principal_poisha bigint, service_charge_poisha bigint, total_owed_poisha bigint, disbursed_at timestamptz,
    disbursed_by text, workflow_id text, ledger_ref text, policy_idx integer, import_detail jsonb, status text, paid_poisha bigint,
    credit_poisha bigint, state_version integer, status_changed_at timestamptz,
    arrears_poisha bigint, arrears_at timestamptz, arrears_until timestamptz) ON COMMIT DROP`;
  await tx`CREATE TEMP TABLE import_events (loan_id uuid, version integer, event_key text, kind text, from_status text, to_status text,
    actor text, rule_kind text, rule_name text, rule_version text, rule_set_version text, facts jsonb, detail jsonb, occurred_at timestamptz) ON COMMIT DROP`;

  for (let start = 0; start < planned.length; start += CHUNK) {
    const now = Date.now();
    const chunk = planned.slice(start, start + CHUNK).map((p) => ({ ...p, first: importedStart(p.input, p.origin) }));
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
        'total_owed_poisha', 'disbursed_at', 'disbursed_by', 'workflow_id', 'ledger_ref', 'policy_idx', 'import_detail', 'status', 'paid_poisha',
        'credit_poisha', 'state_version', 'status_changed_at', 'arrears_poisha', 'arrears_at', 'arrears_until'],
      chunk.map(({ input, checked, origin, row, first: { state } }) => [
        input.loanId, input.loanCode, input.borrowerId, checked.v.societyId, input.upazilaCode, input.districtCode, input.productCode,
        input.principalPoisha, state.serviceChargePoisha, state.totalOwedPoisha, new Date(input.disbursedAt), input.disbursedBy,
        loanWorkflowId(input.loanId), checked.v.loanRef, checked.policyIdx,
        // Where the loan came from and what the paper ledger said: the audit trail's answer to "why";
        // with the instant its first state was computed at, so a resumed import computes the same.
        { id: job.id, row, ledgerRef: checked.v.loanRef, paidToDatePoisha: checked.v.paidToDatePoisha, priorPayment: input.priorPayments?.[0] ?? null, stateAt: origin.at },
        state.status, paidTotal(state), state.creditPoisha, state.eventSeq, new Date(origin.at),
        // The loan's unpaid-due figure as the installments trigger would compute it (0018), so the
        // trigger finds nothing to change and 100 000 loans are not written twice.
        ...arrearsColumns(state.installments, now),
      ]),
    );
    await tx`
      INSERT INTO loans (id, code, borrower_id, society_id, office_id, district_id, product_code, principal_poisha, service_charge_poisha,
        total_owed_poisha, status, disbursed_at, disbursed_by, workflow_id, policy, rule_set_version, ledger_ref, import_id,
        paid_poisha, credit_poisha, state_version, status_changed_at, arrears_poisha, arrears_at, arrears_until)
      SELECT s.id, s.code, s.borrower_id, s.society_id, s.office_id, s.district_id, s.product_code, s.principal_poisha, s.service_charge_poisha,
        s.total_owed_poisha, s.status, s.disbursed_at, s.disbursed_by, s.workflow_id, p.policy, p.policy->>'ruleSetVersion', s.ledger_ref, ${job.id},
        s.paid_poisha, s.credit_poisha, s.state_version, s.status_changed_at, s.arrears_poisha, s.arrears_at, s.arrears_until
      FROM import_loans s JOIN import_policies p ON p.idx = s.policy_idx`;
    // Each loan's events in one statement, in order (the audit chain links them so, and the loan's
    // head is advanced once): the 'disbursed' event with the same facts and detail as
    // recordDisbursement writes (plus where it came from), then the paid-to-date's as persistLoanEvent writes it.
    const events = chunk.flatMap((p) => p.first.events);
    await copyRows(
      tx,
      'import_events',
      ['loan_id', 'version', 'event_key', 'kind', 'from_status', 'to_status', 'actor', 'rule_kind', 'rule_name', 'rule_version', 'rule_set_version', 'facts', 'detail', 'occurred_at'],
      events.map((e) => [e.loanId, e.version, e.key, e.kind, e.from, e.to, e.actor, e.rule?.kind, e.rule?.rule, e.rule?.version, e.ruleSetVersion, e.facts, e.detail, new Date(e.at)]),
    );
    await tx`
      INSERT INTO loan_events (loan_id, event_key, kind, from_status, to_status, actor, rule_kind, rule_name, rule_version,
        rule_set_version, facts, detail, occurred_at)
      SELECT loan_id, event_key, kind, from_status, to_status, actor, rule_kind, rule_name, rule_version, rule_set_version, facts, detail, occurred_at
      FROM (
        SELECT s.id AS loan_id, 0 AS version, 'disbursed' AS event_key, 'disbursed' AS kind, 'disbursing' AS from_status, 'active' AS to_status,
          s.disbursed_by AS actor, 'products' AS rule_kind, p.policy#>>'{product,code}' AS rule_name, p.policy#>>'{refs,product,version}' AS rule_version,
          p.policy->>'ruleSetVersion' AS rule_set_version,
          jsonb_build_object('principalPoisha', s.principal_poisha, 'productCode', s.product_code, 'districtCode', s.district_id, 'upazilaCode', s.office_id) AS facts,
          jsonb_build_object('serviceChargePoisha', s.service_charge_poisha, 'totalOwedPoisha', s.total_owed_poisha, 'refs', p.policy->'refs',
            'import', s.import_detail) AS detail,
          s.disbursed_at AS occurred_at
        FROM import_loans s JOIN import_policies p ON p.idx = s.policy_idx
        UNION ALL
        SELECT loan_id, version, event_key, kind, from_status, to_status, actor, rule_kind, rule_name, rule_version, rule_set_version, facts, detail, occurred_at
        FROM import_events
      ) e ORDER BY loan_id, version`;
    await copyRows(
      tx,
      'installments',
      ['loan_id', 'seq', 'due_date', 'due_at', 'amount_poisha', 'status', 'paid_poisha', 'paid_at', 'late_by_ms'],
      (function* () {
        for (const { input, first } of chunk) {
          for (const i of first.state.installments) {
            yield [input.loanId, i.seq, i.dueDate, new Date(i.dueAt), i.amountPoisha, i.status, i.paidPoisha, i.paidAt === null ? null : new Date(i.paidAt), i.lateByMs];
          }
        }
      })(),
    );
    // The paid-to-date's payment row and allocations, as persistLoanEvent writes them.
    const payments: CopyValue[][] = [];
    const allocations: CopyValue[][] = [];
    for (const { loanId, payment: p } of events) {
      if (!p) continue;
      const id = randomUUID();
      payments.push([id, p.trxId, p.provider, loanId, p.amountPoisha, new Date(p.paidAt), p.payerMsisdn, p.reference, p.outcome, p.late, p.excessPoisha, p.recordedBy]);
      for (const a of p.allocations) allocations.push([id, loanId, a.seq, a.amountPoisha]);
    }
    await copyRows(tx, 'payments', ['id', 'trx_id', 'provider', 'loan_id', 'amount_poisha', 'paid_at', 'payer_msisdn', 'reference', 'status', 'late', 'excess_poisha', 'recorded_by'], payments);
    await copyRows(tx, 'payment_allocations', ['payment_id', 'loan_id', 'installment_seq', 'amount_poisha'], allocations);
    // The schedule SMS (amount, deadline, how to pay); the paid-to-date gets no receipt: it was paid long ago, in cash.
    await copyRows(
      tx,
      'outbox',
      ['idempotency_key', 'channel', 'recipient', 'borrower_id', 'loan_id', 'template', 'params', 'body', 'segments', 'status', 'last_error', 'not_before'],
      chunk.map(({ newBorrower, borrowerId, checked: { v }, first }) => {
        const r = loanMessageRow(first.scheduleMessage, newBorrower ? { name: v.borrowerName, mobile: v.mobile } : recipients.get(borrowerId));
        return [r.idempotency_key, r.channel, r.recipient, r.borrower_id, r.loan_id, r.template, r.params, r.body, r.segments, r.status, r.last_error, r.not_before];
      }),
    );
    await tx`TRUNCATE import_loans, import_events`;
    await onProgress(start + chunk.length);
  }
}

function arrearsColumns(installments: Parameters<typeof arrearsAt>[0], at: number): CopyValue[] {
  const { unpaidPoisha, until } = arrearsAt(installments, at);
  return [unpaidPoisha, new Date(at), until === null ? 'infinity' : new Date(until)];
}
