// The worker dies mid-life: timers that fall due while no worker runs still fire once it is back,
// and nothing written before the restart is lost or written twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addBorrower, createHarness, type Harness } from './loan-harness';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('worker restarted mid-life', () => {
  it('fires the deadlines that passed while it was down and keeps every payment', async () => {
    const borrowerId = await addBorrower(h.sql);
    const loan = await h.disburse({ borrowerId });
    await h.waitFor(loan.loanId, (x) => x.status === 'active');
    const paid = await h.pay(loan.loanId, { trxId: 'RESTART-1', amountPoisha: 40_000 });
    expect(paid.outcome).toBe('applied');

    await h.stopWorker();
    // Installment 1 falls due 4 s after disbursement and its 2 s grace ends 2 s later.
    await new Promise((r) => setTimeout(r, 7_000));
    const [beforeRestart] = await h.sql`SELECT status FROM loans WHERE id = ${loan.loanId}`;
    expect(beforeRestart!.status).toBe('active'); // nobody moved it while the worker was down
    await h.startWorker();

    const v = await h.waitFor(loan.loanId, (x) => x.decisions.some((d) => d.to === 'defaulted'), 30_000);
    expect(v.paidPoisha).toBe(40_000);
    expect(v.installments[0]!.status).toBe('overdue');
    expect(v.decisions.map((d) => d.to).slice(0, 4)).toEqual(['active', 'in_grace', 'overdue', 'defaulted']);
    const rows = await h.sql`SELECT trx_id, amount_poisha FROM payments WHERE loan_id = ${loan.loanId}`;
    expect(rows).toEqual([{ trx_id: 'RESTART-1', amount_poisha: 40_000 }]);
    const [{ n }] = await h.sql<[{ n: number }]>`
      SELECT count(*)::int AS n FROM loan_events WHERE loan_id = ${loan.loanId} AND to_status = 'in_grace'`;
    expect(n).toBe(1);
    const dup = await h.pay(loan.loanId, { trxId: 'RESTART-1', amountPoisha: 40_000 });
    expect(dup.duplicate).toBe(true);
    await h.cancel(loan.loanId);
  });
});
