// The audit trail on the real loan engine: every event chained as it is written, nothing can be
// changed or removed through SQL, and whatever is tampered with behind the triggers' back is found.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addBorrower, createHarness, type Harness } from '../tests/loan-harness';
import { verifyAuditChains } from './verify-chain';

let h: Harness;
let loanId: string;
beforeAll(async () => {
  h = await createHarness();
  const borrowerId = await addBorrower(h.sql);
  loanId = (await h.disburse({ borrowerId, productCode: 'MONTHLY', principalPoisha: 1_200_000 })).loanId;
  await h.waitFor(loanId, (v) => v.status === 'active');
  await h.pay(loanId, { amountPoisha: 105_000, trxId: 'AUDIT-1' });
  await h.pay(loanId, { amountPoisha: 105_000, trxId: 'AUDIT-1' }); // a repeat: one event, no fork
  await h.pay(loanId, { amountPoisha: 50_000, trxId: 'AUDIT-2' });
  await h.waitFor(loanId, (v) => v.paidPoisha === 155_000 && v.pendingWrites === 0);
}, 240_000);
afterAll(async () => {
  await h?.close();
});

describe('the audit chain', () => {
  it('holds for a loan written by its workflow: disbursement, status changes and payments', async () => {
    const result = await verifyAuditChains(h.sql, { loanIds: [loanId] });
    expect(result.events).toBeGreaterThanOrEqual(3);
    expect(result.problems).toEqual([]);
  });

  it('refuses to change, remove or truncate an event', async () => {
    await expect(h.sql`UPDATE loan_events SET actor = 'someone else' WHERE loan_id = ${loanId}`).rejects.toThrow(/append-only/);
    await expect(h.sql`DELETE FROM loan_events WHERE loan_id = ${loanId}`).rejects.toThrow(/append-only/);
    await expect(h.sql`TRUNCATE loan_events CASCADE`).rejects.toThrow(/append-only/);
  });

  it('finds an event changed, one removed from the middle, and the latest removed, behind the triggers’ back', async () => {
    const events = await h.sql<{ id: number }[]>`SELECT id FROM loan_events WHERE loan_id = ${loanId} ORDER BY id`;
    // Only a database owner can do this: switch the guard off, as an attacker with that power would.
    await h.sql`ALTER TABLE loan_events DISABLE TRIGGER loan_events_append_only`;
    try {
      await h.sql`UPDATE loan_events SET detail = '{"reason":"forged"}' WHERE id = ${events[1]!.id}`;
      let result = await verifyAuditChains(h.sql, { loanIds: [loanId] });
      expect(result.problems).toEqual([{ loanId, eventId: events[1]!.id, problem: 'content changed: its hash no longer matches' }]);

      await h.sql`DELETE FROM loan_events WHERE id = ${events.at(-1)!.id}`;
      result = await verifyAuditChains(h.sql, { loanIds: [loanId] });
      expect(result.problems.map((p) => p.problem)).toContain('the chain does not end at the loan’s recorded latest event (an event was removed)');

      await h.sql`DELETE FROM loan_events WHERE id = ${events[0]!.id}`;
      result = await verifyAuditChains(h.sql, { loanIds: [loanId] });
      expect(result.problems.some((p) => /not on the chain/.test(p.problem))).toBe(true);
    } finally {
      await h.sql`ALTER TABLE loan_events ENABLE TRIGGER loan_events_append_only`;
    }
  });
});
