import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addBorrower, createHarness, type Harness } from './loan-harness';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h?.close();
});

const total = 315_000; // 300 000 principal + 5% service charge, in 3 installments of 105 000

describe('a loan paid on time', () => {
  it('pins its policy, sends reminders, takes each payment before the deadline and closes', async () => {
    const borrowerId = await addBorrower(h.sql);
    const loan = await h.disburse({ borrowerId });
    let v = await h.waitFor(loan.loanId, (x) => x.status === 'active');
    expect(v.totalOwedPoisha).toBe(total);
    expect(v.installments.map((i) => i.amountPoisha)).toEqual([105_000, 105_000, 105_000]);
    expect(v.ruleSetVersion).toMatch(/^rs\+[0-9a-f]{12}$/);

    for (const seq of [1, 2, 3]) {
      const r = await h.pay(loan.loanId, { amountPoisha: 105_000 });
      expect(r).toMatchObject({ outcome: 'applied', duplicate: false, allocations: [{ seq, amountPoisha: 105_000 }], excessPoisha: 0, late: false });
      if (seq < 3) await h.waitFor(loan.loanId, (x) => x.nextDeadline?.seq === seq + 1);
    }
    v = await h.waitFor(loan.loanId, (x) => x.status === 'closed');
    expect(v.paidPoisha).toBe(total);

    const [row] = await h.sql<{ status: string; paid_poisha: number }[]>`SELECT status, paid_poisha FROM loans WHERE id = ${loan.loanId}`;
    expect(row).toEqual({ status: 'closed', paid_poisha: total });
    const installments = await h.sql`SELECT status, paid_poisha FROM installments WHERE loan_id = ${loan.loanId} ORDER BY seq`;
    expect(installments.every((i) => i.status === 'paid')).toBe(true);
    const [{ n }] = await h.sql<[{ n: number }]>`SELECT count(*)::int AS n FROM payments WHERE loan_id = ${loan.loanId} AND status = 'applied'`;
    expect(n).toBe(3);
  });
});
