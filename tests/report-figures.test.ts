// The collection report's day figures: kept by the same writes as installments and allocations,
// folded by the worker's singleton workflow, and keyed by what may not move under them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPORT_FIGURES_WORKFLOW_ID } from '../workflows/report-figures';
import { addBorrower, createHarness, type Harness } from './loan-harness';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h?.close();
});

/** The figures as the installments and allocations say they should be, per society and day. */
const expected = () => h.sql`
  SELECT society_id, day, sum(due)::bigint AS due, sum(paid)::bigint AS paid, sum(collected)::bigint AS collected FROM (
    SELECT l.society_id, (i.due_at AT TIME ZONE 'Asia/Dhaka')::date AS day, i.amount_poisha AS due, i.paid_poisha AS paid, 0 AS collected
    FROM installments i JOIN loans l ON l.id = i.loan_id
    UNION ALL
    SELECT l.society_id, (p.paid_at AT TIME ZONE 'Asia/Dhaka')::date, 0, 0, a.amount_poisha
    FROM payment_allocations a JOIN payments p ON p.id = a.payment_id JOIN loans l ON l.id = a.loan_id) x
  GROUP BY 1, 2 HAVING sum(due) <> 0 OR sum(collected) <> 0 ORDER BY 1, 2`;
const folded = () => h.sql`
  SELECT society_id, day, due_poisha AS due, due_paid_poisha AS paid, collected_poisha AS collected FROM report_day_figures
  WHERE due_poisha <> 0 OR collected_poisha <> 0 ORDER BY 1, 2`;

describe('report day figures', () => {
  it('are folded by the worker’s singleton into exactly what the installments and allocations hold', async () => {
    const loan = await h.disburse({ borrowerId: await addBorrower(h.sql, '01711119001'), productCode: 'MONTHLY', principalPoisha: 1_200_000 });
    await h.waitFor(loan.loanId, (v) => v.status === 'active');
    await h.pay(loan.loanId, { amountPoisha: 150_000 }); // the first installment and part of the second
    await h.waitFor(loan.loanId, (v) => v.paidPoisha === 150_000);
    expect((await h.sql`SELECT 1 FROM report_day_changes`).length).toBeGreaterThan(0);

    const workflowId = `${REPORT_FIGURES_WORKFLOW_ID}-${h.taskQueue}`;
    await h.temporal.workflow.start('reportFiguresWorkflow', { taskQueue: h.taskQueue, workflowId, args: [{ everyMs: 200 }] });
    try {
      for (let i = 0; i < 100 && (await h.sql`SELECT 1 FROM report_day_changes`).length > 0; i++) await new Promise((r) => setTimeout(r, 200));
      expect((await h.sql`SELECT 1 FROM report_day_changes`).length).toBe(0);
      const want = await expected();
      expect(want.length).toBe(13); // twelve due days and the day of the payment
      expect(await folded()).toEqual(want);
    } finally {
      await h.temporal.workflow.getHandle(workflowId).terminate('test finished');
    }
    await h.cancel(loan.loanId);
  });

  it('refuse to move a loan to another office or society, or a payment to another day', async () => {
    const loan = await h.disburse({ borrowerId: await addBorrower(h.sql, '01711119002'), productCode: 'MONTHLY', principalPoisha: 1_200_000 });
    await h.waitFor(loan.loanId, (v) => v.status === 'active');
    await h.pay(loan.loanId, { amountPoisha: 10_000, trxId: 'FIXED-DAY-1' });
    await h.waitFor(loan.loanId, (v) => v.paidPoisha === 10_000);
    await expect(h.sql`UPDATE loans SET office_id = 'KALIGANJ' WHERE id = ${loan.loanId}`).rejects.toThrow(/office_id, society_id cannot change/);
    await expect(h.sql`UPDATE payments SET paid_at = paid_at - interval '3 days' WHERE trx_id = 'FIXED-DAY-1'`).rejects.toThrow(/paid_at cannot change/);
    await expect(h.sql`UPDATE payment_allocations SET amount_poisha = 1 WHERE loan_id = ${loan.loanId}`).rejects.toThrow(/an allocation cannot change/);
    await h.cancel(loan.loanId);
  });
});
