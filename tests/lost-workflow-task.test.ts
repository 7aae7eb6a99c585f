// The Temporal server dies at the worst moment for a payment: its write-through has reached
// PostgreSQL, the server has not yet heard of it. A second payment arrives before the first is sent
// again. Whatever the server lost, the database must end with exactly the workflow's ledger: both
// payments applied once, their allocations summing to the loan's paid amount.
// (With the write as a local activity, the lost workflow task took the first payment with it while
// its row stayed; the second got the same event number and was never written: 2026-12-03 in CI.)
// This file runs its own Temporal server (it is killed), and the shared PostgreSQL.
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, Runtime, type ActivityInboundCallsInterceptor } from '@temporalio/worker';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { disburseLoan } from '../loans/disburse-loan';
import { PolicyStore } from '../policy/policy-store';
import { startDevServer, type DevServer } from '../runtime/temporal-dev-server';
import { createLoanWorker } from '../worker/create-worker';
import { loanWorkflowId, payUpdate, viewQuery } from '../workflows/loan-definitions';
import type { LoanEventRecord, LoanView, PaymentInput } from '../domain/types';
import { addBorrower, seedOffices } from './loan-harness';
import { createTestDb, type TestDb } from './test-db';

const QUEUE = 'lost-workflow-task';
const FIRST = 'LOST-FIRST';
const SECOND = 'LOST-SECOND';

let scratch: string;
let dev: DevServer;
let db: TestDb;
let stopWorker: () => Promise<void> = async () => {};
/** Resolves once the first payment's write is in PostgreSQL and the server is dead. */
let serverKilled: () => void;
const killed = new Promise<void>((resolve) => (serverKilled = resolve));
let killing = false;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const startTemporal = async () => {
  dev = await startDevServer({ dataDir: path.join(scratch, 'temporal'), persist: true, ui: false, readyTimeoutMs: 120_000 });
};

/** kill -9 the server the moment the first payment's write is in PostgreSQL, before it returns. */
const killAfterFirstWrite = (): ActivityInboundCallsInterceptor => ({
  async execute(input, next) {
    const result = await next(input);
    const record = input.args[0] as LoanEventRecord | undefined;
    if (!killing && record?.payment?.trxId === FIRST) {
      killing = true;
      const exited = new Promise((resolve) => dev.process.once('exit', resolve));
      process.kill(dev.process.pid!, 'SIGKILL');
      await exited;
      serverKilled();
    }
    return result;
  },
});

beforeAll(async () => {
  // The native side retries every call while the server is down, with a warning each time: expected here.
  Runtime.install({ logger: new DefaultLogger('WARN'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } } });
  scratch = await mkdtemp(path.join(os.tmpdir(), 'asrayon-lost-task-'));
  execFileSync('chmod', ['755', scratch]);
  [db] = await Promise.all([createTestDb(), startTemporal()]);
  await seedOffices(db.sql);
  const policy = await PolicyStore.open(path.resolve(import.meta.dirname, '../rules'), { recheckMs: 0 });
  const { worker, close } = await createLoanWorker({
    target: { address: dev.address, namespace: 'default' },
    taskQueue: QUEUE,
    sql: db.sql,
    policy,
    workflowBundle: { code: await readFile(inject('workflowBundlePath'), 'utf8') },
    interceptors: { activity: [() => ({ inbound: killAfterFirstWrite() })] },
  });
  const running = worker.run();
  stopWorker = async () => {
    worker.shutdown();
    await running;
    await close();
  };
}, 180_000);

afterAll(async () => {
  await stopWorker();
  await Promise.allSettled([dev?.stop(), db?.drop()]);
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

/** Retries an update (or query) through a server that is down or just back, as a sender would. */
async function untilAnswered<T>(what: string, call: () => Promise<T>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await call();
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`${what}: no answer in ${timeoutMs} ms: ${(err as Error).message}`);
      await sleep(500);
    }
  }
}

it('keeps the ledger whole when the server dies between a payment write and its workflow task', async () => {
  const connect = async () => new Client({ connection: await Connection.connect({ address: dev.address }) });
  const temporal = await connect();
  const borrowerId = await addBorrower(db.sql);
  const loan = await disburseLoan({ sql: db.sql, temporal, taskQueue: QUEUE }, { borrowerId, productCode: 'ASH-STD', principalPoisha: 3_000_000, disbursedAt: Date.now(), disbursedBy: 'lost-task-test' });
  const handle = (c: Client) => c.workflow.getHandle(loanWorkflowId(loan.loanId));
  await untilAnswered('disbursement', async () => {
    const v = await handle(temporal).query(viewQuery);
    if (v.status !== 'active' || v.pendingWrites > 0) throw new Error(`still ${v.status}`);
  });
  const payment = (trxId: string, amountPoisha: number): PaymentInput => ({ loanId: loan.loanId, trxId, amountPoisha, paidAt: Date.now(), provider: 'bkash', recordedBy: 'bkash-webhook' });

  // The first payment; its sender gives up when the server dies, and sends it again later.
  const giveUp = new AbortController();
  const first = temporal.connection
    .withAbortSignal(giveUp.signal, () => handle(temporal).executeUpdate(payUpdate, { args: [payment(FIRST, 120_000)] }))
    .catch((err: unknown) => err);
  await killed;
  giveUp.abort();
  await first;
  await temporal.connection.close();
  await startTemporal();

  // The second payment arrives before the first is sent again.
  const again = await connect();
  try {
    const second = await untilAnswered('second payment', () => handle(again).executeUpdate(payUpdate, { args: [payment(SECOND, 80_000)] }));
    expect(second.outcome).toBe('applied');
    const firstAgain = await untilAnswered('first payment again', () => handle(again).executeUpdate(payUpdate, { args: [payment(FIRST, 120_000)] }));
    expect(firstAgain.outcome).toBe('applied');

    const view: LoanView = await untilAnswered('caught up', async () => {
      const v = await handle(again).query(viewQuery);
      if (v.pendingWrites > 0) throw new Error(`${v.pendingWrites} writes pending`);
      return v;
    });
    expect(view.paidPoisha).toBe(200_000);

    const payments = await db.sql<{ trx_id: string; status: string; allocated: number }[]>`
      SELECT p.trx_id, p.status, COALESCE((SELECT sum(a.amount_poisha) FROM payment_allocations a WHERE a.payment_id = p.id), 0)::int AS allocated
      FROM payments p WHERE p.loan_id = ${loan.loanId} ORDER BY p.trx_id`;
    expect(payments).toEqual([
      { trx_id: FIRST, status: 'applied', allocated: 120_000 },
      { trx_id: SECOND, status: 'applied', allocated: 80_000 },
    ]);
    const [row] = await db.sql<{ paid_poisha: number; installments_paid: number }[]>`
      SELECT l.paid_poisha::int, (SELECT sum(paid_poisha) FROM installments i WHERE i.loan_id = l.id)::int AS installments_paid FROM loans l WHERE l.id = ${loan.loanId}`;
    expect(row).toEqual({ paid_poisha: 200_000, installments_paid: 200_000 });
    const [{ events }] = await db.sql<[{ events: number }]>`SELECT count(*)::int AS events FROM loan_events WHERE loan_id = ${loan.loanId} AND kind = 'payment'`;
    expect(events).toBe(2);
  } finally {
    await handle(again).terminate('test finished').catch(() => undefined);
    await again.connection.close();
  }
}, 300_000);
