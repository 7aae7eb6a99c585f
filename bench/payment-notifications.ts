// bKash payment notifications end to end on this machine: signed SNS messages posted over HTTP at
// a steady rate → verified, stored, answered → delivered to each loan's workflow. Prints one JSON
// line: HTTP latency p50/p99 at the offered rate, how long until every payment was in its loan's
// ledger, lost/duplicated counts, and the bare store-only rate of the same database as a baseline.
// BENCH_RATE (default 200/s), BENCH_SECONDS (default 60), BENCH_LOANS (default 200).
import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { randomFreePort } from '../runtime/ports';
import { Client, Connection } from '@temporalio/client';
import { startBkashSimulator } from '../bkash/simulator';
import { disburseLoan } from '../loans/disburse-loan';
import { storePayment } from '../payments/receive-payment';
import { addBorrower, seedOffices } from '../tests/loan-harness';
import { startBenchInfra } from './infra';

const RATE = Number(process.env.BENCH_RATE ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const LOANS = Number(process.env.BENCH_LOANS ?? 200);
const infra = await startBenchInfra('pay', { temporal: true });
const { pg, dev } = infra;
const percentile = (xs: number[], p: number) => xs.slice().sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? 0;
const children: ChildProcess[] = [];
try {
  const sql = await infra.database('bench', 20);
  await seedOffices(sql);
  // Worker and API each in their own process, as in production (worker/main.ts, api/main.ts), so
  // the latency measured here is the API's and this process only generates the load.
  const common = {
    ...process.env, DATABASE_URL: pg.urlFor('bench'), TEMPORAL_ADDRESS: dev.address, TEMPORAL_TASK_QUEUE: 'bench',
    SMS_PROVIDER: 'console', LOG_LEVEL: 'error',
  };
  const workerProc = spawn(process.execPath, ['--import', 'tsx', path.resolve(import.meta.dirname, '../worker/main.ts')], { env: common, stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(workerProc);
  const workerReady = new Promise<void>((resolve, reject) => {
    let seen = '';
    workerProc.stderr!.on('data', (b: Buffer) => {
      seen += b.toString();
      if (seen.includes('[worker] polling')) resolve();
    });
    workerProc.once('exit', (code) => reject(new Error(`worker exited (${code}) before polling:\n${seen.slice(-2000)}`)));
  });
  await workerReady;
  const temporal = new Client({ connection: await Connection.connect({ address: dev.address }) });
  const loans = [];
  for (let i = 0; i < LOANS; i++) {
    const borrowerId = await addBorrower(sql, `017${String(20_000_000 + i)}`);
    loans.push(await disburseLoan({ sql, temporal, taskQueue: 'bench' }, { borrowerId, productCode: 'ASH-STD', principalPoisha: 3_000_000, disbursedAt: Date.now(), disbursedBy: 'bench' }));
  }
  while ((await sql<[{ n: number }]>`SELECT count(*)::int AS n FROM loans WHERE status = 'active'`)[0].n < LOANS) await new Promise((r) => setTimeout(r, 100));

  // The API runs in its own process, as in production (api/main.ts), so its latency is its own.
  const sim = await startBkashSimulator({});
  const apiPort = await randomFreePort();
  const api = spawn(process.execPath, ['--import', 'tsx', path.resolve(import.meta.dirname, '../api/main.ts')], {
    env: {
      ...common, PORT: String(apiPort),
      BKASH_MODE: 'simulator', BKASH_SIMULATOR_URL: sim.url,
      BKASH_ACCOUNTS: JSON.stringify({ 'JHENAIDAH-SADAR': { shortCode: sim.shortCode, topicArns: [sim.topicArn] } }),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(api);
  for (let i = 0; i < 100; i++) {
    if (await fetch(`http://127.0.0.1:${apiPort}/api/health`).then((r) => r.ok, () => false)) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const url = `http://127.0.0.1:${apiPort}/api/bkash/webhook/JHENAIDAH-SADAR`;

  // Offered load: RATE notifications per second for SECONDS, each to a loan in turn, 1 000 poisha.
  const total = RATE * SECONDS;
  const latencies: number[] = [];
  /** Latencies per 10 s of sending, to tell a slow start from a slow steady state. */
  const byWindow: number[][] = [];
  let failed = 0;
  const started = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const loan = loans[i % LOANS]!;
    inflight.push(
      (async () => {
        const t = performance.now();
        const [r] = await sim.notify(url, { trxID: `BN${String(i).padStart(8, '0')}`, amountPoisha: 1_000, debitMSISDN: '8801700000000', reference: loan.loanCode, at: Date.now() }, { record: false });
        latencies.push(performance.now() - t);
        (byWindow[Math.floor(i / (RATE * 10))] ??= []).push(performance.now() - t);
        if (r!.status !== 200) failed += 1;
      })(),
    );
  }
  await Promise.all(inflight);
  const sendSeconds = (performance.now() - started) / 1000;
  // Every payment in its loan's ledger: the API's queue delivers what it can, the worker's delivery
  // sweeper (workflows/payment-delivery.ts) the rest.
  const deadline = Date.now() + 15 * 60_000;
  let applied = 0;
  while (Date.now() < deadline) {
    applied = (await sql<[{ n: number }]>`SELECT count(*)::int AS n FROM payments WHERE status = 'applied' AND trx_id LIKE 'BN%'`)[0].n;
    if (applied >= total - failed) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  const settledSeconds = (performance.now() - started) / 1000;
  const [{ rows, distinct, paid }] = await sql<[{ rows: number; distinct: number; paid: number }]>`
    SELECT count(*)::int AS rows, count(DISTINCT trx_id)::int AS distinct, (SELECT sum(paid_poisha) FROM loans)::bigint AS paid FROM payments WHERE trx_id LIKE 'BN%'`;

  // Baseline: the same database storing payments directly, no HTTP, no signature, no workflow.
  const t0 = performance.now();
  const base = Math.min(total, 3000);
  for (let i = 0; i < base; i++) {
    await storePayment(sql, { trxId: `BASE${i}`, amountPoisha: 1_000, paidAt: Date.now(), provider: 'bkash', officeId: 'JHENAIDAH-SADAR', recordedBy: 'bench', reference: 'none' });
  }
  const storeOnlyPerSec = base / ((performance.now() - t0) / 1000);

  console.log(JSON.stringify({
    bench: 'payment-notifications',
    offeredPerSec: RATE,
    seconds: SECONDS,
    notifications: total,
    achievedPerSec: +(total / sendSeconds).toFixed(1),
    httpP50Ms: +percentile(latencies, 50).toFixed(1),
    httpP99Ms: +percentile(latencies, 99).toFixed(1),
    httpP99MsPer10s: byWindow.map((w) => Math.round(percentile(w, 99))),
    refused: failed,
    storedRows: rows,
    distinctTrx: distinct,
    appliedToLoans: applied,
    paidPoishaTotalMatches: paid === applied * 1_000,
    secondsUntilAllInLedgers: +settledSeconds.toFixed(1),
    ledgerRatePerSec: +(applied / settledSeconds).toFixed(1),
    storeOnlyPerSec: +storeOnlyPerSec.toFixed(1),
    httpVsStoreOnlyRatio: +((total / sendSeconds) / storeOnlyPerSec).toFixed(3),
    cpus: os.cpus().length,
  }));
  const exited = (p: ChildProcess) => new Promise((r) => (p.exitCode !== null ? r(null) : p.once('exit', r)));
  api.kill('SIGTERM');
  workerProc.kill('SIGTERM');
  await Promise.all([exited(api), exited(workerProc)]);
  await sim.stop();
  await temporal.connection.close();
  await sql.end();
} finally {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await infra.stop();
}
