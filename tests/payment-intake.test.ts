// Payments from outside: stored once, matched, delivered to the loan's workflow; a crash between
// storing and delivering loses nothing, because the delivery sweeper finds the stored row.
import { readFile } from 'node:fs/promises';
import { decodeTimeoutType } from '@temporalio/common';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createPaymentDeliveryActivities } from '../activities/payment-delivery';
import { assignPayment, deliverPayment, deliverPending, storePayment, WRITE_MISSING, type IncomingPayment } from '../payments/receive-payment';
import { PAYMENT_DELIVERY_WORKFLOW_ID } from '../workflows/payment-delivery';
import { insertLoan } from './direct-loans';
import { addBorrower, createHarness, type Harness } from './loan-harness';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h?.close();
});

let n = 0;
const incoming = (p: Partial<IncomingPayment>): IncomingPayment => ({
  trxId: `BK${Date.now()}${n++}`,
  amountPoisha: 50_000,
  paidAt: Date.now(),
  provider: 'bkash',
  officeId: 'JHENAIDAH-SADAR',
  recordedBy: 'bkash-webhook',
  ...p,
});

async function monthlyLoan(mobile: string) {
  const borrowerId = await addBorrower(h.sql, mobile);
  const loan = await h.disburse({ borrowerId, productCode: 'MONTHLY', principalPoisha: 1_200_000 });
  await h.waitFor(loan.loanId, (v) => v.status === 'active');
  return loan;
}

describe('payment intake', () => {
  it('matches by the loan code typed as reference (any case, spaces) and applies it once however often it arrives', async () => {
    const loan = await monthlyLoan('01711110001');
    const p = incoming({ reference: ` ${loan.loanCode.toLowerCase().slice(0, 4)} ${loan.loanCode.toLowerCase().slice(4)} ` });
    const stored = await Promise.all(Array.from({ length: 10 }, () => storePayment(h.sql, p)));
    expect(stored.filter((s) => s.fresh)).toHaveLength(1);
    expect(new Set(stored.map((s) => s.paymentId)).size).toBe(1);
    expect(stored[0]!.loanId).toBe(loan.loanId);
    const first = await deliverPayment(h.sql, h.temporal, stored[0]!.paymentId);
    const again = await deliverPayment(h.sql, h.temporal, stored[0]!.paymentId);
    expect(first).toMatchObject({ delivered: true, result: { duplicate: false, allocations: [{ seq: 1, amountPoisha: 50_000 }] } });
    expect(again).toMatchObject({ delivered: true, result: { duplicate: true } });
    const rows = await h.sql`SELECT id, status, matched_by FROM payments WHERE trx_id = ${p.trxId}`;
    expect(rows).toEqual([{ id: stored[0]!.paymentId, status: 'applied', matched_by: 'reference' }]);
    const [alloc] = await h.sql`SELECT payment_id FROM payment_allocations WHERE loan_id = ${loan.loanId}`;
    expect(alloc!.payment_id).toBe(stored[0]!.paymentId);
    expect((await h.view(loan.loanId)).paidPoisha).toBe(50_000);
  });

  it('says so loudly, and keeps the payment for the engineers, when the loan counts a payment whose record was never written', async () => {
    const loan = await monthlyLoan('01711110009');
    const stored = await storePayment(h.sql, incoming({ reference: loan.loanCode }));
    expect(await deliverPayment(h.sql, h.temporal, stored.paymentId)).toMatchObject({ delivered: true });
    // The write lost (as a write could be when it ran before its workflow task was history).
    await h.sql`DELETE FROM payment_allocations WHERE payment_id = ${stored.paymentId}`;
    await h.sql`UPDATE payments SET status = 'received', delivered_at = NULL WHERE id = ${stored.paymentId}`;
    const errors: string[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => errors.push(args.join(' '));
    try {
      expect(await deliverPayment(h.sql, h.temporal, stored.paymentId)).toEqual({ delivered: false, reason: WRITE_MISSING, retry: false });
    } finally {
      console.error = original;
    }
    expect(errors.join('\n')).toContain(WRITE_MISSING);
    const [row] = await h.sql`SELECT status, loan_id, delivery_error, delivered_at FROM payments WHERE id = ${stored.paymentId}`;
    expect(row).toEqual({ status: 'received', loan_id: loan.loanId, delivery_error: WRITE_MISSING, delivered_at: null });
  });

  it("matches by the payer's mobile only when it belongs to exactly one open loan; otherwise an officer assigns it", async () => {
    const only = await monthlyLoan('01711110002');
    const byMobile = await storePayment(h.sql, incoming({ payerMsisdn: '8801711110002' }));
    expect(byMobile.loanId).toBe(only.loanId);

    const a = await monthlyLoan('01711110003');
    await monthlyLoan('01711110003');
    const ambiguous = await storePayment(h.sql, incoming({ payerMsisdn: '01711110003', reference: 'no idea' }));
    expect(ambiguous.loanId).toBeNull();
    expect(await deliverPayment(h.sql, h.temporal, ambiguous.paymentId)).toMatchObject({ delivered: false, retry: false });
    const queue = await h.sql`SELECT id FROM payments WHERE status = 'received' AND loan_id IS NULL AND office_id = 'JHENAIDAH-SADAR'`;
    expect(queue.map((r) => r.id)).toContain(ambiguous.paymentId);

    expect(await assignPayment(h.sql, ambiguous.paymentId, a.loanId, 'uco-sadar')).toBe(true);
    expect(await assignPayment(h.sql, ambiguous.paymentId, a.loanId, 'uco-sadar')).toBe(false); // already assigned
    expect(await deliverPayment(h.sql, h.temporal, ambiguous.paymentId)).toMatchObject({ delivered: true });
    const [row] = await h.sql`SELECT status, matched_by, assigned_by FROM payments WHERE id = ${ambiguous.paymentId}`;
    expect(row).toEqual({ status: 'applied', matched_by: 'officer', assigned_by: 'uco-sadar' });
  });

  it('loses nothing when the process dies between storing and delivering: the sweeper delivers it', async () => {
    const loan = await monthlyLoan('01711110004');
    // Stored, then "crash": nobody delivers it on the fast path.
    const stored = await storePayment(h.sql, incoming({ reference: loan.loanCode, amountPoisha: 70_000 }));
    await h.sql`UPDATE payments SET received_at = now() - interval '1 minute' WHERE id = ${stored.paymentId}`;
    await h.temporal.workflow.start('paymentDeliveryWorkflow', {
      taskQueue: h.taskQueue,
      workflowId: `${PAYMENT_DELIVERY_WORKFLOW_ID}-${h.taskQueue}`,
      args: [{ everyMs: 500, graceMs: 1_000 }],
    });
    const v = await h.waitFor(loan.loanId, (x) => x.paidPoisha === 70_000);
    expect(v.installments[0]!.paidPoisha).toBe(70_000);
    const [row] = await h.sql`SELECT status, delivered_at FROM payments WHERE id = ${stored.paymentId}`;
    expect(row!.status).toBe('applied');
    await h.temporal.workflow.getHandle(`${PAYMENT_DELIVERY_WORKFLOW_ID}-${h.taskQueue}`).terminate('test finished');
  });

  it('retries a sweep whose worker went silent (kill -9) after the heartbeat timeout, not the 2-minute start-to-close', async () => {
    const loan = await monthlyLoan('01711110006');
    const stored = await storePayment(h.sql, incoming({ reference: loan.loanCode, amountPoisha: 40_000 }));
    await h.sql`UPDATE payments SET received_at = now() - interval '1 minute' WHERE id = ${stored.paymentId}`;
    // A sweeper worker whose first sweep never answers and never heartbeats, as one killed mid-sweep;
    // the retry (the same worker stands in for the one that takes over) sweeps for real.
    const real = createPaymentDeliveryActivities({ sql: h.sql, policy: h.policy, temporal: h.temporal });
    let release = () => {};
    let sweeps = 0;
    const connection = await NativeConnection.connect({ address: inject('temporalAddress') });
    const sweeper = await Worker.create({
      connection,
      taskQueue: `${h.taskQueue}-sweeper`,
      workflowBundle: { code: await readFile(inject('workflowBundlePath'), 'utf8') },
      activities: {
        deliverPendingPayments: (opts: { olderThanMs: number }) =>
          ++sweeps === 1 ? new Promise<never>((_, reject) => (release = () => reject(new Error('released')))) : real.deliverPendingPayments(opts),
      },
    });
    const running = sweeper.run();
    const workflowId = `${PAYMENT_DELIVERY_WORKFLOW_ID}-${h.taskQueue}-silent`;
    try {
      await h.temporal.workflow.start('paymentDeliveryWorkflow', { taskQueue: `${h.taskQueue}-sweeper`, workflowId, args: [{ everyMs: 500, graceMs: 1_000 }] });
      await h.waitFor(loan.loanId, (x) => x.paidPoisha === 40_000, 110_000);
      expect(sweeps).toBeGreaterThanOrEqual(2);
      const history = await h.temporal.workflow.getHandle(workflowId).fetchHistory();
      // A retried attempt's start records why the one before it ended.
      const retried = history.events!.flatMap((e) => (e.activityTaskStartedEventAttributes?.lastFailure ? [e.activityTaskStartedEventAttributes] : []));
      expect(retried.map((t) => [t.attempt, decodeTimeoutType(t.lastFailure?.timeoutFailureInfo?.timeoutType)])).toEqual([[2, 'HEARTBEAT']]);
    } finally {
      release();
      await h.temporal.workflow.getHandle(workflowId).terminate('test finished').catch(() => undefined);
      sweeper.shutdown();
      await running;
      await connection.close();
    }
  }, 150_000);

  it('moves on from a delivery that does not answer, heartbeating as it goes, and the payment it left still lands', async () => {
    const stuck = await monthlyLoan('01711110007');
    const free = await monthlyLoan('01711110008');
    const a = await storePayment(h.sql, incoming({ reference: stuck.loanCode, amountPoisha: 30_000 }));
    const b = await storePayment(h.sql, incoming({ reference: free.loanCode, amountPoisha: 20_000 }));
    await h.sql`UPDATE payments SET received_at = now() - interval '2 minutes' WHERE id = ${a.paymentId}`;
    await h.sql`UPDATE payments SET received_at = now() - interval '1 minute' WHERE id = ${b.paymentId}`;
    // The stuck loan's row is locked, so its workflow cannot write the payment and the update waits.
    let unlock = () => {};
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    const holder = h.sql.begin(async (tx) => {
      await tx`SELECT 1 FROM loans WHERE id = ${stuck.loanId} FOR UPDATE`;
      locked();
      await new Promise<void>((r) => (unlock = r));
    });
    await isLocked;
    let unlocked = false;
    let beats = 0;
    try {
      // One lane: the free loan's payment comes after the stuck one, so it lands only if the lane moves on.
      await deliverPending(h.sql, h.temporal, { olderThanMs: 30_000, concurrency: 1, waitMs: 2_000, onProgress: () => (beats += 1) });
      expect(unlocked).toBe(false);
      const status = async (id: string) => (await h.sql<[{ status: string }]>`SELECT status FROM payments WHERE id = ${id}`)[0].status;
      expect(await status(b.paymentId)).toBe('applied');
      expect(await status(a.paymentId)).toBe('received');
      expect(beats).toBeGreaterThanOrEqual(3); // after the query and after each of the two payments
    } finally {
      unlocked = true;
      unlock();
      await holder;
    }
    await h.waitFor(stuck.loanId, (x) => x.paidPoisha === 30_000);
    expect((await h.sql`SELECT status FROM payments WHERE id = ${a.paymentId}`)[0]).toEqual({ status: 'applied' });
  }, 120_000);

  it('sends money for a closed loan back to the officers with the reason', async () => {
    const loan = await monthlyLoan('01711110005');
    await h.cancel(loan.loanId);
    const stored = await storePayment(h.sql, incoming({ payerMsisdn: '01711110005', reference: loan.loanCode }));
    expect(stored.loanId).toBeNull(); // a cancelled loan is not open, so nothing matches
    const [row] = await h.sql`SELECT loan_id, status FROM payments WHERE id = ${stored.paymentId}`;
    expect(row).toEqual({ loan_id: null, status: 'received' });
  });

  it('keeps a payment for an open loan whose workflow the server cannot find (a server recovering) matched, to retry; unmatches it once the loan is closed', async () => {
    const loan = await insertLoan(h.sql, { society: 'SOC-1', office: 'JHENAIDAH-SADAR', district: 'JHENAIDAH', status: 'active', installments: [{ k: 1, day: 10, amount: 100_000 }] });
    const stored = await storePayment(h.sql, incoming({ trxId: 'NOWF-1', reference: 'kisti' }));
    expect(await assignPayment(h.sql, stored.paymentId, loan.loanId, 'officer-1')).toBe(true);
    expect(await deliverPayment(h.sql, h.temporal, stored.paymentId)).toMatchObject({ delivered: false, retry: true });
    expect((await h.sql`SELECT loan_id, status FROM payments WHERE id = ${stored.paymentId}`)[0]).toEqual({ loan_id: loan.loanId, status: 'received' });
    await h.sql`UPDATE loans SET status = 'cancelled' WHERE id = ${loan.loanId}`;
    expect(await deliverPayment(h.sql, h.temporal, stored.paymentId)).toMatchObject({ delivered: false, retry: false, reason: 'the loan is closed' });
    expect((await h.sql`SELECT loan_id, status FROM payments WHERE id = ${stored.paymentId}`)[0]).toEqual({ loan_id: null, status: 'received' });
  });

  it('refuses an amount that is not whole positive poisha, storing nothing', async () => {
    for (const amountPoisha of [0, -100, 10.5]) {
      await expect(storePayment(h.sql, incoming({ amountPoisha, trxId: `BAD${amountPoisha}` }))).rejects.toThrow(/whole number of poisha/);
    }
    const rows = await h.sql`SELECT 1 FROM payments WHERE trx_id LIKE 'BAD%'`;
    expect(rows).toHaveLength(0);
  });
});
