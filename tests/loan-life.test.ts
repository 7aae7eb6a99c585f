// Whole lives of loans on the real Temporal dev server and real PostgreSQL. The FAST product in
// tests/fixtures/rules-fast has 3 installments 4 s apart, reminders 2 s and 0 s before each
// deadline, 2 s of grace, default after 1 missed installment and blacklisting after 2.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DisbursementRefused } from '../loans/disburse-loan';
import { addBorrower, createHarness, refusal, type Harness } from './loan-harness';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h?.close();
});

const INSTALLMENT = 105_000; // (300 000 principal + 5% service charge) / 3
const TOTAL = 3 * INSTALLMENT;

async function events(loanId: string) {
  return h.sql<{ kind: string; to_status: string | null; rule_name: string | null; rule_version: string | null; facts: Record<string, unknown> | null; actor: string }[]>`
    SELECT kind, to_status, rule_name, rule_version, facts, actor FROM loan_events WHERE loan_id = ${loanId} ORDER BY id`;
}

describe.concurrent('loan workflow', () => {
  it('takes each installment on time, queues reminders once, and closes when repaid', async () => {
    const borrowerId = await addBorrower(h.sql);
    const loan = await h.disburse({ borrowerId });
    let v = await h.waitFor(loan.loanId, (x) => x.status === 'active');
    expect(v.totalOwedPoisha).toBe(TOTAL);
    expect(v.installments.map((i) => i.amountPoisha)).toEqual([INSTALLMENT, INSTALLMENT, INSTALLMENT]);
    expect(v.ruleSetVersion).toMatch(/^rs\+[0-9a-f]{12}$/);

    // The "two seconds before" reminder of installment 1 is queued before we pay it.
    await h.waitFor(loan.loanId, (x) => x.installments[0]!.remindersSent.includes('two-seconds-before'));
    for (const seq of [1, 2, 3]) {
      const r = await h.pay(loan.loanId, { amountPoisha: INSTALLMENT });
      expect(r).toMatchObject({ outcome: 'applied', duplicate: false, allocations: [{ seq, amountPoisha: INSTALLMENT }], excessPoisha: 0, late: false });
    }
    v = await h.waitFor(loan.loanId, (x) => x.status === 'closed');
    expect(v.paidPoisha).toBe(TOTAL);

    const [row] = await h.sql`SELECT status, paid_poisha FROM loans WHERE id = ${loan.loanId}`;
    expect(row).toEqual({ status: 'closed', paid_poisha: TOTAL });
    const inst = await h.sql`SELECT status, paid_poisha FROM installments WHERE loan_id = ${loan.loanId} ORDER BY seq`;
    expect(inst.map((i) => [i.status, i.paid_poisha])).toEqual([['paid', INSTALLMENT], ['paid', INSTALLMENT], ['paid', INSTALLMENT]]);
    const outbox = await h.sql`SELECT params->>'reminder' AS reminder, params->>'seq' AS seq, recipient, body FROM outbox WHERE loan_id = ${loan.loanId}`;
    expect(outbox.filter((o) => o.seq === '1' && o.reminder === 'two-seconds-before')).toHaveLength(1);
    expect(outbox[0]!.recipient).toBe('01712345678');
    const kinds = await h.sql<{ template: string; n: number }[]>`SELECT template, count(*)::int AS n FROM outbox WHERE loan_id = ${loan.loanId} GROUP BY template ORDER BY template`;
    expect(kinds.filter((k) => k.template !== 'installment_reminder')).toEqual([{ template: 'loan_schedule', n: 1 }, { template: 'payment_receipt', n: 3 }]);
    const [receipt] = await h.sql`SELECT body FROM outbox WHERE loan_id = ${loan.loanId} AND template = 'payment_receipt' ORDER BY id DESC LIMIT 1`;
    expect(receipt!.body).toContain('বাকি ৳০');
    expect(outbox[0]!.body).toContain(loan.loanCode);
    expect(outbox[0]!.body).toContain('৳১,০৫০');
  });

  it('returns to normal when paid during grace, recording the lateness and the grace rule', async () => {
    const borrowerId = await addBorrower(h.sql);
    const loan = await h.disburse({ borrowerId });
    await h.waitFor(loan.loanId, (x) => x.status === 'in_grace');
    const r = await h.pay(loan.loanId, { amountPoisha: INSTALLMENT });
    expect(r).toMatchObject({ outcome: 'applied', late: true, statusAfter: 'active', allocations: [{ seq: 1, amountPoisha: INSTALLMENT }] });
    const v = await h.view(loan.loanId);
    expect(v.installments[0]!.status).toBe('paid');
    expect(v.installments[0]!.lateByMs).toBeGreaterThan(0);

    const e = await events(loan.loanId);
    const grace = e.find((x) => x.to_status === 'in_grace')!;
    expect(grace).toMatchObject({ rule_name: 'test-grace', actor: 'rule:test-grace' });
    expect(grace.rule_version).toMatch(/^test\+[0-9a-f]{12}$/);
    expect(grace.facts).toMatchObject({ seq: 1, remainingPoisha: INSTALLMENT, graceMs: 2000 });
    expect(e.at(-1)).toMatchObject({ kind: 'payment', to_status: 'active' });
    const [inst] = await h.sql`SELECT status, late_by_ms FROM installments WHERE loan_id = ${loan.loanId} AND seq = 1`;
    expect(inst!.status).toBe('paid');
    expect(Number(inst!.late_by_ms)).toBeGreaterThan(0);
    await h.cancel(loan.loanId);
  });

  it('applies partial payments oldest first and a large one across several installments', async () => {
    const borrowerId = await addBorrower(h.sql);
    const loan = await h.disburse({ borrowerId });
    await h.waitFor(loan.loanId, (x) => x.status === 'active');
    const a = await h.pay(loan.loanId, { amountPoisha: 50_000 });
    expect(a.allocations).toEqual([{ seq: 1, amountPoisha: 50_000 }]);
    const b = await h.pay(loan.loanId, { amountPoisha: 100_000 });
    expect(b.allocations).toEqual([{ seq: 1, amountPoisha: 55_000 }, { seq: 2, amountPoisha: 45_000 }]);
    let v = await h.view(loan.loanId);
    expect(v.paidPoisha).toBe(150_000);
    expect(v.installments.map((i) => i.status)).toEqual(['paid', 'pending', 'pending']);
    const c = await h.pay(loan.loanId, { amountPoisha: TOTAL - 150_000 + 7_000 });
    expect(c.excessPoisha).toBe(7_000);
    v = await h.waitFor(loan.loanId, (x) => x.status === 'closed');
    expect(v.creditPoisha).toBe(7_000);
    const allocated = await h.sql<[{ total: number }]>`SELECT sum(amount_poisha)::bigint AS total FROM payment_allocations WHERE loan_id = ${loan.loanId}`;
    expect(allocated[0].total).toBe(TOTAL);
    const [loanRow] = await h.sql`SELECT paid_poisha, credit_poisha FROM loans WHERE id = ${loan.loanId}`;
    expect(loanRow).toEqual({ paid_poisha: TOTAL, credit_poisha: 7_000 });
  });

  it('never paid: grace, overdue, defaulted, blacklisted by the rules; then settles and the bar lifts', async () => {
    const borrowerId = await addBorrower(h.sql);
    const loan = await h.disburse({ borrowerId });
    const v = await h.waitFor(loan.loanId, (x) => x.status === 'blacklisted');
    expect(v.decisions.map((d) => d.to)).toEqual(['active', 'in_grace', 'overdue', 'defaulted', 'blacklisted']);
    const defaulted = v.decisions.find((d) => d.to === 'defaulted')!;
    expect(defaulted.rule).toMatchObject({ kind: 'default', rule: 'test-default-one-missed' });
    expect(defaulted.facts).toMatchObject({ missedInstallments: 1 });
    const blacklisted = v.decisions.find((d) => d.to === 'blacklisted')!;
    expect(blacklisted.rule).toMatchObject({ kind: 'default', rule: 'test-blacklist-two-missed' });
    expect(blacklisted.facts).toMatchObject({ missedInstallments: 2, overdueAmountPoisha: 2 * INSTALLMENT });

    const e = await events(loan.loanId);
    const listedEvent = e.find((x) => x.to_status === 'blacklisted')!;
    expect(listedEvent.rule_name).toBe('test-blacklist-two-missed');
    expect(listedEvent.rule_version).toMatch(/^test\+/);
    const warnings = await h.sql<{ template: string }[]>`SELECT template FROM outbox WHERE loan_id = ${loan.loanId} AND template IN ('grace_warning', 'default_warning', 'blacklist_notice') ORDER BY id`;
    expect(warnings.map((w) => w.template)).toEqual(['grace_warning', 'default_warning', 'grace_warning', 'blacklist_notice']);
    const [listing] = await h.sql`SELECT rule_name, rule_version, facts, settled_at FROM blacklist WHERE loan_id = ${loan.loanId}`;
    expect(listing).toMatchObject({ rule_name: 'test-blacklist-two-missed', settled_at: null });
    expect(listing!.facts).toMatchObject({ missedInstallments: 2 });

    // A blacklisted borrower is barred from new loans.
    await expect(h.disburse({ borrowerId })).rejects.toBeInstanceOf(DisbursementRefused);

    // Paying everything settles the loan; the listing is closed but kept as history.
    const r = await h.pay(loan.loanId, { amountPoisha: TOTAL });
    expect(r.statusAfter).toBe('settled');
    await h.waitFor(loan.loanId, (x) => x.status === 'settled');
    const listings = await h.sql`SELECT settled_at, settled_by FROM blacklist WHERE borrower_id = ${borrowerId}`;
    expect(listings).toHaveLength(1);
    expect(listings[0]!.settled_at).not.toBeNull();
    const next = await h.disburse({ borrowerId });
    await h.waitFor(next.loanId, (x) => x.status === 'active');
    await h.cancel(next.loanId);
  });

  it('counts a transaction id once, however often and however concurrently it arrives', async () => {
    const borrowerId = await addBorrower(h.sql);
    const loan = await h.disburse({ borrowerId });
    await h.waitFor(loan.loanId, (x) => x.status === 'active');
    const trxId = `DUP${randomUUID().slice(0, 8)}`;
    const results = await Promise.all(Array.from({ length: 5 }, () => h.pay(loan.loanId, { trxId, amountPoisha: 60_000 })));
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    for (const r of results) expect(r.allocations).toEqual([{ seq: 1, amountPoisha: 60_000 }]);
    const again = await h.pay(loan.loanId, { trxId, amountPoisha: 60_000 });
    expect(again.duplicate).toBe(true);
    const v = await h.view(loan.loanId);
    expect(v.paidPoisha).toBe(60_000);
    const rows = await h.sql`SELECT amount_poisha FROM payments WHERE trx_id = ${trxId}`;
    expect(rows).toEqual([{ amount_poisha: 60_000 }]);
    await h.cancel(loan.loanId);
  });

  it('refuses invalid payments with a reason and changes nothing', async () => {
    const borrowerId = await addBorrower(h.sql);
    const loan = await h.disburse({ borrowerId });
    await h.waitFor(loan.loanId, (x) => x.status === 'active');
    expect(await refusal(h.pay(loan.loanId, { amountPoisha: -5 }))).toMatch(/amountPoisha must be a positive whole number/);
    expect(await refusal(h.pay(loan.loanId, { amountPoisha: 10.5 }))).toMatch(/amountPoisha/);
    expect(await refusal(h.pay(loan.loanId, { amountPoisha: 100, trxId: 'bad id with spaces' }))).toMatch(/trxId/);
    expect(await refusal(h.pay(loan.loanId, { amountPoisha: 100, loanId: randomUUID() }))).toMatch(/^payment is for loan .*, not /);
    const v = await h.view(loan.loanId);
    expect(v.paidPoisha).toBe(0);
    const [{ n }] = await h.sql<[{ n: number }]>`SELECT count(*)::int AS n FROM payments WHERE loan_id = ${loan.loanId}`;
    expect(n).toBe(0);
    await h.cancel(loan.loanId);
  });

  it('is written off by an officer with the reason recorded, and then takes no payments', async () => {
    const borrowerId = await addBorrower(h.sql);
    const loan = await h.disburse({ borrowerId });
    await h.waitFor(loan.loanId, (x) => x.status === 'active');
    const v = await h.closeLoan(loan.loanId, { kind: 'write_off', reason: 'borrower died; society board resolution 14/2026', by: 'dco-jhenaidah' });
    expect(v.status).toBe('written_off');
    const [row] = await h.sql`SELECT status, closed_reason FROM loans WHERE id = ${loan.loanId}`;
    expect(row).toEqual({ status: 'written_off', closed_reason: 'borrower died; society board resolution 14/2026' });
    const e = await events(loan.loanId);
    expect(e.at(-1)).toMatchObject({ kind: 'closed', to_status: 'written_off', actor: 'dco-jhenaidah' });
    expect(await refusal(h.pay(loan.loanId, { amountPoisha: 100 }))).toMatch(/written_off|not found|completed/i);
  });

  it('refuses to disburse outside the product limits, recording why', async () => {
    const borrowerId = await addBorrower(h.sql);
    const loan = await h.disburse({ borrowerId, principalPoisha: 50 });
    const v = await h.waitFor(loan.loanId, (x) => x.status === 'cancelled');
    expect(v.decisions.at(-1)!.reason).toMatch(/outside product FAST's limits/);
    const [row] = await h.sql`SELECT status, closed_reason FROM loans WHERE id = ${loan.loanId}`;
    expect(row!.status).toBe('cancelled');
    expect(row!.closed_reason).toMatch(/outside product/);
  });
});

describe('continue-as-new', () => {
  it('carries every installment, payment and transaction id into the next run', async () => {
    const borrowerId = await addBorrower(h.sql);
    const loan = await h.disburse({ borrowerId, productCode: 'MONTHLY', principalPoisha: 1_200_000 }, { maxHistoryEvents: 12 });
    await h.waitFor(loan.loanId, (x) => x.status === 'active');
    const trxIds: string[] = [];
    for (let i = 0; i < 8; i++) {
      const trxId = `CAN${i}${randomUUID().slice(0, 6)}`;
      trxIds.push(trxId);
      await h.pay(loan.loanId, { trxId, amountPoisha: 10_000 });
    }
    const v = await h.waitFor(loan.loanId, (x) => x.runsSoFar >= 2);
    expect(v.paidPoisha).toBe(80_000);
    expect(v.installments[0]!.paidPoisha).toBe(80_000);
    const dup = await h.pay(loan.loanId, { trxId: trxIds[0]!, amountPoisha: 10_000 });
    expect(dup.duplicate).toBe(true);
    expect((await h.view(loan.loanId)).paidPoisha).toBe(80_000);
    const [row] = await h.sql`SELECT paid_poisha FROM loans WHERE id = ${loan.loanId}`;
    expect(row!.paid_poisha).toBe(80_000);
    await h.cancel(loan.loanId);
  });
});

describe('a loan migrated from the paper ledger', () => {
  it('replays its earlier payments in time order, so installments paid on time never enter grace', async () => {
    const borrowerId = await addBorrower(h.sql);
    const disbursedAt = Date.now() - 9_000; // installments fell due 5 s and 1 s ago; the third is 3 s ahead
    const loan = await h.disburse({
      borrowerId,
      disbursedAt,
      priorPayments: [
        { loanId: '', trxId: 'PAPER-2', amountPoisha: INSTALLMENT, paidAt: disbursedAt + 7_000, provider: 'cash', recordedBy: 'ledger-import' },
        { loanId: '', trxId: 'PAPER-1', amountPoisha: INSTALLMENT, paidAt: disbursedAt + 3_000, provider: 'cash', recordedBy: 'ledger-import' },
      ],
    });
    const v = await h.waitFor(loan.loanId, (x) => x.paidPoisha === 2 * INSTALLMENT);
    expect(v.status).toBe('active');
    expect(v.decisions.map((d) => d.to)).toEqual(['active']);
    expect(v.installments.slice(0, 2).map((i) => [i.status, i.lateByMs])).toEqual([['paid', 0], ['paid', 0]]);
    const rows = await h.sql`SELECT trx_id, provider FROM payments WHERE loan_id = ${loan.loanId} ORDER BY paid_at`;
    expect(rows).toEqual([{ trx_id: 'PAPER-1', provider: 'cash' }, { trx_id: 'PAPER-2', provider: 'cash' }]);
    await h.cancel(loan.loanId);
  });
});
