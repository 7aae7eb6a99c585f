// Imported loans start in their first state: the import writes what the workflow's first run would
// have written (paid-to-date applied, schedule SMS queued) and starts the workflow from that state,
// so the workflow only sets its next timer. On the real Temporal dev server and real PostgreSQL,
// with the FAST product of tests/fixtures/rules-fast (3 installments 4 s apart, 2 s of grace).
import { randomUUID } from 'node:crypto';
import type { WorkflowStartOptions } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../api/access/actor';
import { addDays, dhakaInstant, toDhakaDate } from '../domain/dhaka-time';
import type { LoanView } from '../domain/types';
import { applyImport, type ImportRuntime } from '../import/apply-import';
import { createOrFindJob, getJob } from '../import/import-jobs';
import { importedLoans, resumeImport } from '../import/resume-import';
import type { ValidRow } from '../import/validate-rows';
import { loanWorkflowId, type LoanWorkflowArgs } from '../workflows/loan-definitions';
import { addBorrower, createHarness, type Harness } from './loan-harness';

let h: Harness;
let actor: Actor;
beforeAll(async () => {
  h = await createHarness();
  actor = { id: randomUUID(), username: 'uco-import', name: 'UCO', role: 'upazila_officer', officeId: 'JHENAIDAH-SADAR', societyId: null, language: 'bn', mustChangePassword: false };
  await h.sql`INSERT INTO users (id, username, name, role, office_id, password_hash, created_by) VALUES (${actor.id}, ${actor.username}, 'UCO', 'upazila_officer', 'JHENAIDAH-SADAR', 'x', 'test')`;
});
afterAll(async () => {
  await h?.close();
});

const INSTALLMENT = 105_000; // FAST: (300 000 principal + 5% service charge) / 3
const today = () => toDhakaDate(Date.now());
let rowNo = 1;

/**
 * A row as validateRows passes it. A disbursement date after today is clamped to the import's own
 * instant (plan-loans.ts), which puts FAST's 4-second deadlines just ahead of the import.
 */
function row(extra: Partial<ValidRow> = {}): ValidRow {
  rowNo += 1;
  return {
    row: rowNo, societyId: 'SOC-1', borrowerName: `রহিমা খাতুন ${rowNo}`, fatherOrHusbandName: 'করিম মিয়া', mobile: '01712345678', nid: null, barrackNo: null,
    roomNo: null, productCode: 'FAST', principalPoisha: 300_000, disbursedOn: addDays(today(), 1), loanRef: `FS-${randomUUID().slice(0, 8)}`, paidToDatePoisha: 0, ...extra,
  };
}

async function importRows(rows: ValidRow[], rt: ImportRuntime = h) {
  const { job } = await createOrFindJob(h.sql, { officeId: actor.officeId, uploadedBy: actor.id, filename: 'ledger.csv', fileSha256: randomUUID().replace(/-/g, '').repeat(2) });
  const result = await applyImport({ ...rt, policy: h.policy }, { job, actor, rows, source: { headers: {} }, rowsTotal: rows.length });
  const loans = await h.sql<{ id: string; ledger_ref: string }[]>`SELECT id, ledger_ref FROM loans WHERE import_id = ${job.id}`;
  const byRef = new Map(loans.map((l) => [l.ledger_ref, l.id]));
  return { job, result, loanOf: (r: ValidRow) => byRef.get(r.loanRef!)! };
}

async function stored(loanId: string) {
  const [loan] = await h.sql<{ status: string; paid_poisha: number; credit_poisha: number; state_version: number }[]>`
    SELECT status, paid_poisha, credit_poisha, state_version FROM loans WHERE id = ${loanId}`;
  const installments = await h.sql<{ seq: number; status: string; amount_poisha: number; paid_poisha: number; paid_at: Date | null; late_by_ms: number | null }[]>`
    SELECT seq, status, amount_poisha, paid_poisha, paid_at, late_by_ms FROM installments WHERE loan_id = ${loanId} ORDER BY seq`;
  const events = await h.sql<{ event_key: string; kind: string; from_status: string | null; to_status: string | null; actor: string; facts: unknown; detail: unknown; rule_name: string | null }[]>`
    SELECT event_key, kind, from_status, to_status, actor, facts, detail, rule_name FROM loan_events WHERE loan_id = ${loanId} ORDER BY id`;
  const payments = await h.sql<{ trx_id: string; amount_poisha: number; status: string; late: boolean; recorded_by: string; allocations: [number, number][] }[]>`
    SELECT p.trx_id, p.amount_poisha, p.status, p.late, p.recorded_by,
      (SELECT json_agg(json_build_array(a.installment_seq, a.amount_poisha) ORDER BY a.installment_seq) FROM payment_allocations a WHERE a.payment_id = p.id) AS allocations
    FROM payments p WHERE p.loan_id = ${loanId} ORDER BY p.paid_at, p.trx_id`;
  const messages = await h.sql<{ idempotency_key: string; template: string; recipient: string | null; status: string; body: string }[]>`
    SELECT idempotency_key, template, recipient, status, body FROM outbox WHERE loan_id = ${loanId} AND template IN ('loan_schedule', 'payment_receipt') ORDER BY id`;
  return { loan: loan!, installments, events, payments, messages };
}

/** The view's installments as the database stores them. */
const asRows = (v: LoanView) =>
  v.installments.map((i) => ({ seq: i.seq, status: i.status, amount_poisha: i.amountPoisha, paid_poisha: i.paidPoisha, paid_at: i.paidAt === null ? null : new Date(i.paidAt), late_by_ms: i.lateByMs }));

describe('an imported loan', () => {
  it('is stored with its paid-to-date applied when the import commits; its workflow starts there, its timers fire, and a later payment lands on top', async () => {
    const r = row({ paidToDatePoisha: 150_000, loanRef: `PT-${randomUUID().slice(0, 6)}` });
    const { job, result, loanOf } = await importRows([r]);
    expect(result.status).toBe('done');
    const loanId = loanOf(r);

    // In the database as soon as the import is done: installment 1 paid on time, 450 taka on installment 2.
    const db = await stored(loanId);
    expect(db.loan).toEqual({ status: 'active', paid_poisha: 150_000, credit_poisha: 0, state_version: 1 });
    expect(db.installments.map((i) => [i.seq, i.status, i.paid_poisha, i.late_by_ms])).toEqual([[1, 'paid', INSTALLMENT, 0], [2, 'pending', 45_000, null], [3, 'pending', 0, null]]);
    // Its unpaid-due figure for the defaulter list (0018), written by the import as the trigger would.
    const [arrears] = await h.sql`
      SELECT l.arrears_poisha, l.arrears_at <= now() AS since, l.arrears_until > now() AS holds,
        (SELECT coalesce(sum(amount_poisha - paid_poisha) FILTER (WHERE due_at <= now()), 0) FROM installments WHERE loan_id = l.id)::bigint AS unpaid,
        l.arrears_until = (SELECT coalesce(min(due_at) FILTER (WHERE due_at > now()), 'infinity') FROM installments WHERE loan_id = l.id) AS until_next
      FROM loans l WHERE l.id = ${loanId}`;
    expect(arrears).toEqual({ arrears_poisha: arrears!.unpaid, since: true, holds: true, unpaid: arrears!.unpaid, until_next: true });
    expect(db.payments).toEqual([{ trx_id: `IMPORT-JHENAIDAH-SADAR-${r.loanRef}`, amount_poisha: 150_000, status: 'applied', late: false, recorded_by: `import:${job.id}`, allocations: [[1, INSTALLMENT], [2, 45_000]] }]);
    expect(db.events).toEqual([
      expect.objectContaining({ event_key: 'disbursed', kind: 'disbursed', to_status: 'active', actor: actor.id }),
      { event_key: 'e1', kind: 'payment', from_status: 'active', to_status: 'active', actor: `import:${job.id}`, rule_name: null,
        facts: { trxId: db.payments[0]!.trx_id, amountPoisha: 150_000, paidAt: expect.any(Number), late: false }, detail: { reason: 'payment received' } },
    ]);
    // The schedule SMS once, as the workflow words it; no receipt for money paid long ago in cash.
    expect(db.messages).toEqual([{ idempotency_key: `loan_schedule:${loanId}:disbursed`, template: 'loan_schedule', recipient: '01712345678', status: 'pending', body: expect.stringContaining('মোট ৳৩,১৫০, ৩ কিস্তি') }]);

    // The workflow holds the same loan, in its first run, with nothing left to write.
    const v = await h.waitFor(loanId, () => true);
    expect(v).toMatchObject({ status: 'active', paidPoisha: 150_000, outstandingPoisha: 3 * INSTALLMENT - 150_000, runsSoFar: 1, pendingWrites: 0 });
    expect(asRows(v)).toEqual(db.installments);
    expect(v.decisions.map((d) => [d.to, d.reason])).toEqual([['active', 'loan disbursed; schedule generated']]);
    expect(v.nextTimer).toMatchObject({ seq: 2 });

    // Installment 2's deadline passes: its timer fires and the change is written after the import's event.
    const late = await h.waitFor(loanId, (x) => x.installments[1]!.status !== 'pending');
    expect(['in_grace', 'overdue']).toContain(late.installments[1]!.status);
    expect(late.decisions[1]).toMatchObject({ from: 'active', to: 'in_grace' });

    // A payment after the import is applied on top of the paid-to-date, and closes the loan.
    const paid = await h.pay(loanId, { amountPoisha: 3 * INSTALLMENT - 150_000 });
    expect(paid).toMatchObject({ outcome: 'applied', allocations: [{ seq: 2, amountPoisha: 60_000 }, { seq: 3, amountPoisha: INSTALLMENT }], excessPoisha: 0 });
    const closed = await h.waitFor(loanId, (x) => x.status === 'closed');
    const after = await stored(loanId);
    expect(after.loan).toMatchObject({ status: 'closed', paid_poisha: 3 * INSTALLMENT });
    expect(asRows(closed)).toEqual(after.installments);
    const keys = after.events.map((e) => e.event_key);
    expect(new Set(keys).size).toBe(keys.length);
    // The workflow's events go on from the import's: e2, e3… after e1, none written twice (reminders have their own keys).
    const numbered = keys.filter((k) => /^e\d+$/.test(k));
    expect(keys.slice(0, 2)).toEqual(['disbursed', 'e1']);
    expect(numbered).toEqual(numbered.map((_, i) => `e${i + 1}`));
    expect(numbered.length).toBeGreaterThanOrEqual(3);
    expect(after.payments.map((p) => p.amount_poisha)).toEqual([150_000, 3 * INSTALLMENT - 150_000]);
    expect(after.messages.map((m) => m.template)).toEqual(['loan_schedule', 'payment_receipt']);
  });

  it('is in exactly the state the workflow reaches when it disburses the loan and replays the paid-to-date itself', async () => {
    const disbursedOn = addDays(today(), -2);
    const disbursedAt = dhakaInstant(disbursedOn, '11:00');
    const r = row({ productCode: 'MONTHLY', principalPoisha: 1_200_000, disbursedOn, paidToDatePoisha: 150_000 });
    const { job, loanOf } = await importRows([r]);
    const imported = loanOf(r);

    const borrowerId = await addBorrower(h.sql);
    const direct = await h.disburse({
      borrowerId, productCode: 'MONTHLY', principalPoisha: 1_200_000, disbursedAt, disbursedBy: actor.id,
      priorPayments: [{ loanId: '', trxId: `DIRECT-${randomUUID().slice(0, 8)}`, amountPoisha: 150_000, paidAt: disbursedAt + 3_600_000, provider: 'cash', recordedBy: `import:${job.id}` }],
    });
    const byWorkflow = await h.waitFor(direct.loanId, (x) => x.paidPoisha === 150_000);
    // The imported loan's workflow sleeps until its first reminder: its state is the one it was started with.
    const byImport = await h.startedView(imported);

    const comparable = (v: LoanView) => ({ ...v, loanId: null, loanCode: null, decisions: v.decisions.map((d) => ({ ...d, at: null })) });
    expect(comparable(byImport)).toEqual(comparable(byWorkflow));
    const [a, b] = [await stored(imported), await stored(direct.loanId)];
    expect(a.loan).toEqual(b.loan);
    expect(a.installments).toEqual(b.installments);
    const event = (e: (typeof a.events)[number]) => ({ ...e, actor: null, facts: { ...(e.facts as object), trxId: null } });
    expect(a.events.slice(1).map(event)).toEqual(b.events.slice(1).map(event));
    expect(a.payments.map((p) => ({ ...p, trx_id: null }))).toEqual(b.payments.map((p) => ({ ...p, trx_id: null })));
    // The same schedule SMS (amount, deadline, count, total), but no receipt for the paper ledger's payment.
    const body = (m: { body: string }, code: string) => m.body.replace(code, 'CODE');
    expect(body(a.messages[0]!, byImport.loanCode)).toBe(body(b.messages[0]!, byWorkflow.loanCode));
    expect(a.messages.map((m) => m.template)).toEqual(['loan_schedule']);
    expect(b.messages.map((m) => m.template)).toEqual(['loan_schedule', 'payment_receipt']);
    await h.cancel(direct.loanId);
    await h.cancel(imported);
  });

  it('takes a payment after the import on top of the paid-to-date', async () => {
    const r = row({ productCode: 'MONTHLY', principalPoisha: 1_200_000, disbursedOn: addDays(today(), -2), paidToDatePoisha: 105_000 });
    const { loanOf } = await importRows([r]);
    const loanId = loanOf(r);
    const paid = await h.pay(loanId, { amountPoisha: 110_000 });
    expect(paid).toMatchObject({ outcome: 'applied', allocations: [{ seq: 2, amountPoisha: 105_000 }, { seq: 3, amountPoisha: 5_000 }], statusAfter: 'active' });
    const v = await h.waitFor(loanId, (x) => x.paidPoisha === 215_000);
    const db = await stored(loanId);
    expect(db.loan).toMatchObject({ status: 'active', paid_poisha: 215_000, state_version: 2 });
    expect(asRows(v)).toEqual(db.installments);
    expect(db.events.map((e) => e.event_key)).toEqual(['disbursed', 'e1', 'e2']);
    expect(db.messages.map((m) => m.template)).toEqual(['loan_schedule', 'payment_receipt']);
    await h.cancel(loanId);
  });

  it('sleeps without running a first task until its next timer is due; a payment runs it at once', async () => {
    const r = row({ productCode: 'MONTHLY', principalPoisha: 1_200_000, disbursedOn: addDays(today(), -2) });
    const { loanOf } = await importRows([r]);
    const loanId = loanOf(r);
    const handle = h.temporal.workflow.getHandle(loanWorkflowId(loanId));
    const [reminder] = await h.sql<{ due_at: Date }[]>`SELECT due_at FROM installments WHERE loan_id = ${loanId} AND seq = 1`;
    const described = await handle.describe();
    expect(described.status.name).toBe('RUNNING');
    // The first task waits for the first reminder, 2 s before the first deadline (days away).
    const wakesAt = described.executionTime!.getTime();
    expect(Math.abs(wakesAt - (reminder!.due_at.getTime() - 2_000))).toBeLessThan(10_000);
    expect(wakesAt - described.startTime.getTime()).toBeGreaterThan(60_000);
    const types = async () => (await handle.fetchHistory()).events!.map((e) => Number(e.eventType));
    const WORKFLOW_TASK_COMPLETED = 7; // temporal.api.enums.v1.EventType
    expect(await types()).not.toContain(WORKFLOW_TASK_COMPLETED);

    const paid = await h.pay(loanId, { amountPoisha: 110_000 });
    expect(paid).toMatchObject({ outcome: 'applied', allocations: [{ seq: 1, amountPoisha: 105_000 }, { seq: 2, amountPoisha: 5_000 }] });
    expect(await types()).toContain(WORKFLOW_TASK_COMPLETED);
    const v = await h.waitFor(loanId, (x) => x.paidPoisha === 110_000 && x.pendingWrites === 0);
    expect(v.nextTimer?.kind).toBe('reminder');
    expect((await stored(loanId)).loan).toMatchObject({ status: 'active', paid_poisha: 110_000 });
    await h.cancel(loanId);
  });

  it('repaid in full on paper is stored closed and its workflow ends at once', async () => {
    const r = row({ paidToDatePoisha: 3 * INSTALLMENT });
    const { loanOf } = await importRows([r]);
    const loanId = loanOf(r);
    const db = await stored(loanId);
    expect(db.loan).toMatchObject({ status: 'closed', paid_poisha: 3 * INSTALLMENT });
    expect(db.events.map((e) => [e.event_key, e.to_status])).toEqual([['disbursed', 'active'], ['e1', 'closed']]);
    const handle = h.temporal.workflow.getHandle(loanWorkflowId(loanId));
    const result = (await handle.result()) as LoanView;
    expect(result).toMatchObject({ status: 'closed', paidPoisha: 3 * INSTALLMENT, runsSoFar: 1 });
  });

  it('resumed after Temporal was unreachable, starts every workflow from the same state, and never twice', async () => {
    const rows = [row({ paidToDatePoisha: 150_000, disbursedOn: addDays(today(), -1), productCode: 'MONTHLY', principalPoisha: 1_200_000 }), row({ productCode: 'MONTHLY', principalPoisha: 1_200_000 })];
    const attempted = new Map<string, LoanWorkflowArgs>();
    const recorder = (start: (name: string, o: WorkflowStartOptions) => Promise<unknown>) =>
      ({ workflow: { start: (name: string, o: WorkflowStartOptions) => (attempted.set(o.workflowId, o.args![0] as LoanWorkflowArgs), start(name, o)) } }) as never;
    const broken = { ...h, temporal: recorder(() => Promise.reject(new Error('Temporal is unreachable'))), startAttempts: 1, startConcurrency: 1 };
    const { job, result, loanOf } = await importRows(rows, broken);
    expect(result).toMatchObject({ status: 'failed', message: expect.stringMatching(/All 2 loans are saved, but only 0/) });
    const first = new Map(attempted);
    expect(first.size).toBe(1); // one attempt, then the job gave up
    const before = await stored(loanOf(rows[0]!));
    expect(before.loan).toMatchObject({ status: 'active', paid_poisha: 150_000 });

    // The states rebuilt from the saved rows are the ones the import computed.
    const rebuilt = await importedLoans(h, job.id);
    expect(rebuilt.map((l) => l.input.loanId)).toEqual(rows.map(loanOf));
    const [tried] = [...first.values()];
    expect(tried!.imported).toBe(true);
    const again = rebuilt.find((l) => l.input.loanId === tried!.input.loanId)!;
    expect(again.origin).not.toBeNull();

    attempted.clear();
    const real = h.temporal.workflow.start.bind(h.temporal.workflow);
    await resumeImport({ ...h, temporal: recorder(real as never), policy: h.policy }, job.id);
    expect(await getJob(h.sql, job.id)).toMatchObject({ status: 'done', workflowsStarted: 2 });
    const retried = attempted.get(loanWorkflowId(tried!.input.loanId))!;
    expect(retried.state).toEqual(tried!.state);
    expect(retried.input).toEqual(tried!.input);

    for (const r of rows) {
      const loanId = loanOf(r);
      const v = await h.startedView(loanId);
      const db = await stored(loanId);
      expect(asRows(v)).toEqual(db.installments);
      expect(v).toMatchObject({ status: db.loan.status, paidPoisha: db.loan.paid_poisha, runsSoFar: 1 });
      expect(db.messages.map((m) => m.template)).toEqual(['loan_schedule']);
    }
    expect((await stored(loanOf(rows[0]!))).events.map((e) => e.event_key)).toEqual(['disbursed', 'e1']);

    // A loan whose workflow has finished since (written off) is not brought back by resuming again.
    const gone = loanOf(rows[1]!);
    await h.closeLoan(gone, { kind: 'write_off', reason: 'borrower died', by: 'uco' });
    await h.temporal.workflow.getHandle(loanWorkflowId(gone)).result();
    await h.sql`UPDATE imports SET status = 'failed', finished_at = now() WHERE id = ${job.id}`;
    await resumeImport({ ...h, policy: h.policy }, job.id);
    expect((await h.temporal.workflow.getHandle(loanWorkflowId(gone)).describe()).status.name).toBe('COMPLETED');
    expect((await h.view(gone)).status).toBe('written_off');
    await h.cancel(loanOf(rows[0]!));
  });

  it('of an import saved before first states were computed resumes the old way: its workflow applies the paid-to-date', async () => {
    const { job } = await createOrFindJob(h.sql, { officeId: actor.officeId, uploadedBy: actor.id, filename: 'old.csv', fileSha256: randomUUID().replace(/-/g, '').repeat(2) });
    const borrowerId = await addBorrower(h.sql);
    const loanId = randomUUID();
    const disbursedAt = dhakaInstant(addDays(today(), -2), '11:00');
    const priorPayment = { loanId, trxId: `OLD-${randomUUID().slice(0, 8)}`, amountPoisha: 105_000, paidAt: disbursedAt + 3_600_000, provider: 'cash', recordedBy: `import:${job.id}` };
    // What the previous write-import.ts stored: the loan and its 'disbursed' event, no installments paid, no stateAt.
    await h.sql`INSERT INTO loans (id, code, borrower_id, society_id, office_id, district_id, product_code, principal_poisha, status, disbursed_at, disbursed_by, workflow_id, import_id)
      VALUES (${loanId}, ${`OLD${loanId.slice(0, 5)}`}, ${borrowerId}, 'SOC-1', 'JHENAIDAH-SADAR', 'JHENAIDAH', 'MONTHLY', 1200000, 'disbursing', ${new Date(disbursedAt)}, ${actor.id}, ${loanWorkflowId(loanId)}, ${job.id})`;
    await h.sql`INSERT INTO loan_events (loan_id, event_key, kind, from_status, to_status, actor, detail, occurred_at)
      VALUES (${loanId}, 'disbursed', 'disbursed', 'disbursing', 'active', ${actor.id}, ${h.sql.json({ import: { id: job.id, row: 2, paidToDatePoisha: 105_000, priorPayment } })}, ${new Date(disbursedAt)})`;
    const [loan] = await importedLoans(h, job.id);
    expect(loan).toMatchObject({ origin: null, input: { loanId, priorPayments: [priorPayment] } });
    await h.sql`UPDATE imports SET status = 'failed', finished_at = now() WHERE id = ${job.id}`;
    await resumeImport({ ...h, policy: h.policy }, job.id);
    const v = await h.waitFor(loanId, (x) => x.paidPoisha === 105_000);
    expect(v).toMatchObject({ status: 'active', runsSoFar: 1 });
    await h.cancel(loanId);
  });
});
