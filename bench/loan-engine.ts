// Loan engine throughput on this machine, against real Temporal and PostgreSQL started here:
// disbursements per second (loan row + workflow + policy + schedule written) and payments per
// second through the `pay` update, each beside a bare-SQL baseline writing the same rows in the
// same run, so the ratios hold across machines. Prints one JSON line.
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, Runtime } from '@temporalio/worker';
import { disburseLoan } from '../loans/disburse-loan';
import { PolicyStore } from '../policy/policy-store';
import { seedOffices, addBorrower } from '../tests/loan-harness';
import { createLoanWorker, WORKFLOWS_PATH } from '../worker/create-worker';
import { loanWorkflowId, payUpdate } from '../workflows/loan-definitions';
import { startBenchInfra } from './infra';

const LOANS = Number(process.env.BENCH_LOANS ?? 300);
Runtime.install({ logger: new DefaultLogger('ERROR') });
const infra = await startBenchInfra('loan-engine', { temporal: true });
const dev = infra.dev;
try {
  const sql = await infra.database('bench', 20);
  await seedOffices(sql);
  const policy = await PolicyStore.open(path.resolve(import.meta.dirname, '../rules'));
  const bundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('ERROR') });
  const taskQueue = 'bench';
  const { worker } = await createLoanWorker({ target: { address: dev.address, namespace: 'default' }, taskQueue, sql, policy, workflowBundle: bundle });
  const running = worker.run();
  const temporal = new Client({ connection: await Connection.connect({ address: dev.address }) });
  const rt = { sql, temporal, taskQueue };

  const borrowers = await Promise.all(Array.from({ length: LOANS }, (_, i) => addBorrower(sql, `017${String(10_000_000 + i)}`)));

  // Baseline: the loan and its 12 installment rows written with bare SQL, no workflow.
  let t = performance.now();
  for (const b of borrowers) {
    const id = randomUUID();
    await sql.begin(async (tx) => {
      await tx`INSERT INTO loans (id, code, borrower_id, society_id, office_id, district_id, product_code, principal_poisha, status, disbursed_at, disbursed_by, workflow_id)
        VALUES (${id}, ${id.slice(0, 12)}, ${b}, 'SOC-1', 'JHENAIDAH-SADAR', 'JHENAIDAH', 'ASH-STD', 3000000, 'active', now(), 'bench', ${`base-${id}`})`;
      await tx`INSERT INTO installments ${tx(Array.from({ length: 12 }, (_, i) => ({ loan_id: id, seq: i + 1, due_date: '2027-01-10', due_at: new Date(), amount_poisha: 262_500 })))}`;
    });
  }
  const baselineDisburseMs = performance.now() - t;
  await sql`DELETE FROM installments`;
  await sql`DELETE FROM loans`;

  t = performance.now();
  const loans = [];
  for (const borrowerId of borrowers) loans.push(await disburseLoan(rt, { borrowerId, productCode: 'ASH-STD', principalPoisha: 3_000_000, disbursedAt: Date.now(), disbursedBy: 'bench' }));
  while ((await sql<[{ n: number }]>`SELECT count(*)::int AS n FROM loans WHERE status = 'active'`)[0].n < LOANS) await new Promise((r) => setTimeout(r, 50));
  const disburseMs = performance.now() - t;

  // Payments: one per loan through the update, answered after the write-through.
  t = performance.now();
  await Promise.all(
    loans.map((l, i) =>
      temporal.workflow.getHandle(loanWorkflowId(l.loanId)).executeUpdate(payUpdate, {
        args: [{ loanId: l.loanId, trxId: `B${i}X${l.loanCode}`, amountPoisha: 262_500, paidAt: Date.now(), provider: 'bkash', recordedBy: 'bench' }],
      }),
    ),
  );
  const payMs = performance.now() - t;
  t = performance.now();
  for (const [i, l] of loans.entries()) {
    await sql`INSERT INTO payments (id, trx_id, provider, loan_id, amount_poisha, paid_at, status, recorded_by)
      VALUES (${randomUUID()}, ${`BASE${i}${l.loanCode}`}, 'bkash', ${l.loanId}, 262500, now(), 'applied', 'bench')`;
  }
  const baselinePayMs = performance.now() - t;

  const result = {
    bench: 'loan-engine',
    loans: LOANS,
    disbursementsPerSec: +(LOANS / (disburseMs / 1000)).toFixed(1),
    baselineInsertsPerSec: +(LOANS / (baselineDisburseMs / 1000)).toFixed(1),
    disburseCostRatio: +(disburseMs / baselineDisburseMs).toFixed(2),
    paymentsPerSec: +(LOANS / (payMs / 1000)).toFixed(1),
    baselinePaymentInsertsPerSec: +(LOANS / (baselinePayMs / 1000)).toFixed(1),
    paymentCostRatio: +(payMs / baselinePayMs).toFixed(2),
    nodeVersion: process.version,
    cpus: os.cpus().length,
  };
  console.log(JSON.stringify(result));
  worker.shutdown();
  await running;
  await sql.end();
} finally {
  await infra.stop();
}
