// Bulk import throughput on this machine, against real Temporal and PostgreSQL started here: N rows
// (BENCH_ROWS, default 100 000) across an upazila's societies, read from CSV files of at most 20 000
// rows (the upload limit) and checked, applied in one transaction (loans in their first state: the
// paid-to-date applied, schedule SMS queued), every loan workflow started, and waited for until
// every workflow is settled: Temporal's visibility counts every one of them running; a loan with
// something due now has had its first workflow task executed (the worker's own metric,
// workflow_task_execution_latency, counts them), the others sleep until their next timer (started
// with a delay: import/start-workflows.ts). Then a sample of the workflows is compared with the
// database (not timed). Beside it, a bare-SQL
// baseline: the same borrowers, loans and installments written with plain multi-row INSERTs in one
// transaction, in the same run, so the ratios hold across machines. Prints one JSON line.
// BENCH_DB_ONLY=1 stops after the commit (workflow starts answered by a stub, no Temporal server):
// the database half alone, for row counts whose workflows would take too long to settle.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, Runtime } from '@temporalio/worker';
import type { Actor } from '../api/access/actor';
import type { Sql } from '../db/client';
import { addDays, dhakaInstant, toDhakaDate } from '../domain/dhaka-time';
import { generateSchedule } from '../domain/schedule';
import { applyImport } from '../import/apply-import';
import { createOrFindJob } from '../import/import-jobs';
import { MAX_DATA_ROWS, parseImportFile } from '../import/parse-file';
import { TEMPLATE_COLUMNS } from '../import/template';
import { validateRows, type RowError, type ValidRow } from '../import/validate-rows';
import { PolicyStore } from '../policy/policy-store';
import { resolvePolicy } from '../policy/resolve-policy';
import { seedOffices } from '../tests/loan-harness';
import { createLoanWorker, WORKFLOWS_PATH } from '../worker/create-worker';
import { loanWorkflowId } from '../workflows/loan-definitions';
import { startedLoanState } from '../loans/started-state';
import { paidTotal } from '../domain/loan-state';
import { startBenchInfra } from './infra';

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const SOCIETIES = 20;
const START_CONCURRENCY = Number(process.env.BENCH_START_CONCURRENCY ?? 32);
const MAX_BACKLOG = Number(process.env.BENCH_MAX_BACKLOG ?? 200);
const tuning = {
  maxConcurrentActivityTaskExecutions: Number(process.env.BENCH_ACTIVITIES ?? 100),
  maxConcurrentWorkflowTaskExecutions: Number(process.env.BENCH_WORKFLOW_TASKS ?? 40),
  maxCachedWorkflows: Number(process.env.BENCH_CACHED_WORKFLOWS ?? 2000),
};
const DB_ONLY = process.env.BENCH_DB_ONLY === '1';
const OFFICE = 'JHENAIDAH-SADAR';
const societyId = (i: number) => `SOC-B${i % SOCIETIES}`;
const sec = (ms: number) => +(ms / 1000).toFixed(2);

/** Row i of the generated ledger: monthly products, disbursed in the last two weeks, something repaid. */
function ledgerRow(i: number, today: string): Record<string, string> {
  const long = i % 5 === 0;
  const principal = (long ? 20_000 : 10_000) + (i % 40) * 500;
  return {
    societyId: societyId(i),
    borrowerName: `ঋণগ্রহীতা ${i}`,
    fatherOrHusbandName: `পিতা ${i % 997}`,
    mobile: `017${String(10_000_000 + (i % 89_999_999)).padStart(8, '0')}`,
    nid: String(1_990_000_000_000 + i),
    barrackNo: String(1 + (i % 12)),
    roomNo: String(1 + (i % 10)),
    productCode: long ? 'ASH-LONG' : 'ASH-STD',
    principalTaka: String(principal),
    disbursedOn: addDays(today, -(i % 14)),
    loanRef: `JS-${i}`,
    paidToDateTaka: String(500 + (i % 7) * 100),
  };
}

function csvFile(from: number, to: number, today: string): Buffer {
  const lines = [TEMPLATE_COLUMNS.map((c) => c.headerEn).join(',')];
  for (let i = from; i < to; i++) {
    const r = ledgerRow(i, today);
    lines.push(TEMPLATE_COLUMNS.map((c) => r[c.key] ?? '').join(','));
  }
  return Buffer.from(lines.join('\n'), 'utf8');
}

async function seed(sql: Sql): Promise<Actor> {
  await seedOffices(sql);
  const societies = Array.from({ length: SOCIETIES }, (_, i) => ({ id: societyId(i), office_id: OFFICE, name_bn: `সমিতি ${i}`, name_en: `Society ${i}`, project_name: 'আশ্রয়ণ-২' }));
  await sql`INSERT INTO societies ${sql(societies)}`;
  const actor: Actor = { id: randomUUID(), username: 'uco-bench', name: 'UCO', role: 'upazila_officer', officeId: OFFICE, societyId: null, language: 'bn', mustChangePassword: false };
  await sql`INSERT INTO users (id, username, name, role, office_id, password_hash, created_by) VALUES (${actor.id}, ${actor.username}, 'UCO', 'upazila_officer', ${OFFICE}, 'x', 'bench')`;
  return actor;
}

/** The baseline: the same rows with plain multi-row INSERTs, everything computed beforehand. */
async function baseline(sql: Sql, policy: PolicyStore, today: string): Promise<number> {
  const set = await policy.get();
  const policies = new Map<string, Awaited<ReturnType<typeof resolvePolicy>>>();
  for (const code of ['ASH-STD', 'ASH-LONG']) policies.set(code, await resolvePolicy(set, { loanId: 'b', districtCode: 'JHENAIDAH', upazilaCode: OFFICE, productCode: code }));
  const borrowers: Record<string, unknown>[] = [];
  const loans: Record<string, unknown>[] = [];
  const installments: Record<string, unknown>[] = [];
  for (let i = 0; i < ROWS; i++) {
    const r = ledgerRow(i, today);
    const p = policies.get(r.productCode!)!;
    const borrowerId = randomUUID();
    const loanId = randomUUID();
    const disbursedAt = dhakaInstant(r.disbursedOn!, '11:00');
    const schedule = generateSchedule(Number(r.principalTaka) * 100, disbursedAt, p);
    borrowers.push({ id: borrowerId, society_id: r.societyId!, name: r.borrowerName!, father_or_husband_name: r.fatherOrHusbandName!, mobile: r.mobile!, nid: r.nid!, barrack_no: r.barrackNo!, room_no: r.roomNo! });
    loans.push({ id: loanId, code: loanId.slice(0, 12), borrower_id: borrowerId, society_id: r.societyId!, office_id: OFFICE, district_id: 'JHENAIDAH', product_code: r.productCode!,
      principal_poisha: Number(r.principalTaka) * 100, service_charge_poisha: schedule.serviceChargePoisha, total_owed_poisha: schedule.totalOwedPoisha, status: 'active',
      disbursed_at: new Date(disbursedAt), disbursed_by: 'bench', workflow_id: `loan-${loanId}`, policy: sql.json(p as never), rule_set_version: p.ruleSetVersion, ledger_ref: r.loanRef! });
    for (const inst of schedule.installments) installments.push({ loan_id: loanId, seq: inst.seq, due_date: inst.dueDate, due_at: new Date(inst.dueAt), amount_poisha: inst.amountPoisha });
  }
  const t = performance.now();
  await sql.begin(async (tx) => {
    for (let i = 0; i < borrowers.length; i += 2000) await tx`INSERT INTO borrowers ${tx(borrowers.slice(i, i + 2000))}`;
    for (let i = 0; i < loans.length; i += 2000) await tx`INSERT INTO loans ${tx(loans.slice(i, i + 2000))}`;
    for (let i = 0; i < installments.length; i += 5000) await tx`INSERT INTO installments ${tx(installments.slice(i, i + 5000))}`;
  });
  return performance.now() - t;
}

/** A free local port for the worker's metrics. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

/** Workflow tasks the worker has executed (not replays) on the task queue, from its Prometheus metrics. */
async function workflowTasksExecuted(metricsUrl: string, taskQueue: string): Promise<number> {
  const text = await (await fetch(metricsUrl)).text();
  let n = 0;
  for (const m of text.matchAll(/^temporal_workflow_task_execution_latency\w*_count\{([^}]*)\} (\d+)/gm)) {
    if (m[1]!.includes(`task_queue="${taskQueue}"`)) n += Number(m[2]);
  }
  return n;
}

const metricsPort = await freePort();
Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { metrics: { prometheus: { bindAddress: `127.0.0.1:${metricsPort}` } } } });
const infra = DB_ONLY ? await startBenchInfra('import') : await startBenchInfra('import', { temporal: true });
const dev = infra.dev;
try {
  const today = toDhakaDate(Date.now());
  const policy = await PolicyStore.open(path.resolve(import.meta.dirname, '../rules'));

  const base = await infra.database('baseline', 4);
  await seed(base);
  const baselineMs = await baseline(base, policy, today);
  await base.end();

  const sql = await infra.database('bench', 20);
  const actor = await seed(sql);
  const taskQueue = 'bench';
  let temporal = { workflow: { start: async () => undefined } } as unknown as Client;
  let stopWorker = async () => {};
  if (dev) {
    const bundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('ERROR') });
    const { worker, close } = await createLoanWorker({ target: { address: dev.address, namespace: 'default' }, taskQueue, sql, policy, workflowBundle: bundle, tuning });
    const running = worker.run();
    temporal = new Client({ connection: await Connection.connect({ address: dev.address }) });
    stopWorker = async () => {
      worker.shutdown();
      await running;
      await close();
    };
  }
  const files = Array.from({ length: Math.ceil(ROWS / MAX_DATA_ROWS) }, (_, f) => csvFile(f * MAX_DATA_ROWS, Math.min(ROWS, (f + 1) * MAX_DATA_ROWS), today));

  // 1. Read and check the files as an upload would (each file is at most the 20 000-row upload limit).
  const t0 = performance.now();
  const products = (await policy.get()).files.products.content.products;
  const valid: ValidRow[] = [];
  const errors: RowError[] = [];
  for (const [f, file] of files.entries()) {
    const parsed = await parseImportFile(file, `ledger-${f}.csv`);
    const result = validateRows(parsed.rows, { today, headers: parsed.headers, products });
    // One job for all files: keep row numbers distinct.
    for (const v of result.valid) valid.push({ ...v, row: v.row + f * MAX_DATA_ROWS });
    errors.push(...result.errors);
  }
  const validateMs = performance.now() - t0;
  if (errors.length > 0) throw new Error(`generated rows failed validation: ${JSON.stringify(errors.slice(0, 3))}`);

  // 2–3. Check against the database, write, commit, start every workflow.
  const { job } = await createOrFindJob(sql, { officeId: OFFICE, uploadedBy: actor.id, filename: 'bench.csv', fileSha256: randomUUID().replace(/-/g, '').padEnd(64, '0') });
  const rt = { sql, temporal, taskQueue, policy, startConcurrency: START_CONCURRENCY, startMaxBacklog: MAX_BACKLOG };
  const result = await applyImport(rt, { job, actor, rows: valid, source: { headers: {} }, rowsTotal: ROWS });
  if (result.status !== 'done') throw new Error(`import ended ${result.status}: ${JSON.stringify(result).slice(0, 500)}`);
  const committedAt = t0 + validateMs + result.timings.checkMs + result.timings.writeMs;

  // 4. Settled: every workflow running (visibility); those with something to do now have had their
  // first workflow task executed (the worker's metric); the rest sleep, started with a delay until
  // their next timer (import/start-workflows.ts), with nothing waiting in the task queue.
  let delayed = 0;
  if (!DB_ONLY) {
    const running = `TaskQueue = "${taskQueue}" AND ExecutionStatus = "Running"`;
    for (;;) {
      if ((await temporal.workflow.count(running)).count === ROWS) {
        delayed = (await temporal.workflow.count(`${running} AND ExecutionTime > "${new Date().toISOString()}"`)).count;
        const executed = await workflowTasksExecuted(`http://127.0.0.1:${metricsPort}/metrics`, taskQueue);
        if (executed >= ROWS - delayed) break;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  const settledMs = performance.now() - committedAt;
  const totalMs = performance.now() - t0;
  const applyMs = result.timings.checkMs + result.timings.writeMs;

  // 5. Not timed: a sample of workflows holds the state the database holds (the state each was
  // started with, from its history), and a sleeping one wakes at its loan's next timer.
  let sampleChecked = 0;
  if (!DB_ONLY) {
    const sample = await sql<{ id: string; status: string; paid_poisha: number; next_due: Date }[]>`
      SELECT l.id, l.status, l.paid_poisha, (SELECT min(due_at) FROM installments i WHERE i.loan_id = l.id AND i.status <> 'paid') AS next_due
      FROM loans l WHERE l.import_id = ${job.id} ORDER BY random() LIMIT 100`;
    for (const loan of sample) {
      const [d, s] = await Promise.all([temporal.workflow.getHandle(loanWorkflowId(loan.id)).describe(), startedLoanState(temporal, loan.id)]);
      const paid = paidTotal(s);
      const wakes = d.executionTime!.getTime();
      if (s.status !== loan.status || paid !== loan.paid_poisha || paid === 0 || wakes > loan.next_due.getTime()) {
        throw new Error(`loan ${loan.id}: workflow started ${s.status} with ${paid} paid, waking ${d.executionTime!.toISOString()}; the database ${loan.status}, ${loan.paid_poisha}, next due ${loan.next_due.toISOString()}`);
      }
      sampleChecked += 1;
    }
  }

  const [{ bytes, installments }] = await sql<[{ bytes: string; installments: number }]>`
    SELECT pg_database_size(current_database())::text AS bytes, (SELECT count(*)::int FROM installments) AS installments`;

  console.log(
    JSON.stringify({
      bench: 'import',
      rows: ROWS,
      validateSec: sec(validateMs),
      applyDbSec: sec(applyMs),
      checkSec: sec(result.timings.checkMs),
      writeSec: sec(result.timings.writeMs),
      workflowsStartedSec: DB_ONLY ? null : sec(result.timings.startMs),
      workflowsSettledSec: DB_ONLY ? null : sec(settledMs),
      workflowsAsleepUntilTheirTimer: DB_ONLY ? null : delayed,
      sampleChecked,
      totalSec: sec(totalMs),
      rowsPerSec: +(ROWS / (totalMs / 1000)).toFixed(1),
      rowsPerSecToStarted: DB_ONLY ? null : +(ROWS / ((validateMs + applyMs + result.timings.startMs) / 1000)).toFixed(1),
      baselineInsertSec: sec(baselineMs),
      dbCostRatio: +(applyMs / baselineMs).toFixed(2),
      totalCostRatio: +(totalMs / baselineMs).toFixed(2),
      installments,
      databaseMb: Math.round(Number(bytes) / 1024 / 1024),
      // The importer and the worker share this process; with every workflow asleep the worker holds none.
      processRssMb: Math.round(process.memoryUsage().rss / 1024 / 1024),
      dbOnly: DB_ONLY,
      startConcurrency: START_CONCURRENCY,
      startMaxBacklog: MAX_BACKLOG,
      tuning,
      nodeVersion: process.version,
      cpus: os.cpus().length,
    }),
  );
  await stopWorker();
  await sql.end();
} finally {
  await infra.stop();
}
