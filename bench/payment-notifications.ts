// bKash payment notifications end to end on this machine: signed SNS messages posted over HTTP at
// a steady rate → verified, stored, answered → delivered to each loan's workflow. Prints one JSON
// line: HTTP latency p50/p99 at the offered rate, how long until every payment was in its loan's
// ledger, lost/duplicated counts, and the bare store-only rate of the same database as a baseline.
// BENCH_RATE (default 200/s), BENCH_SECONDS (default 60), BENCH_LOANS (default 200),
// BENCH_WARMUP_S (default 10: sent at the same rate first and reported apart, as a freshly started
// API's first seconds — its JIT, its pools — are not the steady state the 60 s are meant to measure),
// BACKGROUND_NICENESS (default 10, as `npm start`: the worker and Temporal below the API; 0 = equal).
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startNodeProcess, waitForHttp, waitForOutput, type NodeProcess } from '../runtime/node-process';
import { parseLoadWindows } from '../runtime/event-loop-report';
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
const WARMUP = Number(process.env.BENCH_WARMUP_S ?? 10);
const NICENESS = Number(process.env.BACKGROUND_NICENESS ?? 10);
const infra = await startBenchInfra('pay', { temporal: true, temporalNiceness: NICENESS });
const { pg, dev } = infra;
const percentile = (xs: number[], p: number) => xs.slice().sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? 0;
const p50p99 = (xs: number[]) => [percentile(xs, 50), percentile(xs, 99)].map((x) => +x.toFixed(1));
const children: NodeProcess[] = [];
try {
  const sql = await infra.database('bench', 20);
  await seedOffices(sql);
  // Worker and API each in their own process, as in production (worker/main.ts, api/main.ts), so
  // the latency measured here is the API's and this process only generates the load.
  const common = {
    DATABASE_URL: pg.urlFor('bench'), TEMPORAL_ADDRESS: dev.address, TEMPORAL_TASK_QUEUE: 'bench',
    SMS_PROVIDER: 'console', LOG_LEVEL: 'error',
  };
  const worker = startNodeProcess('worker', 'worker/main.ts', common, infra.dir, { niceness: NICENESS });
  children.push(worker);
  await waitForOutput(worker, '[worker] polling');
  const temporal = new Client({ connection: await Connection.connect({ address: dev.address }) });
  const loans: Awaited<ReturnType<typeof disburseLoan>>[] = [];
  for (let i = 0; i < LOANS; i++) {
    const borrowerId = await addBorrower(sql, `017${String(20_000_000 + i)}`);
    loans.push(await disburseLoan({ sql, temporal, taskQueue: 'bench' }, { borrowerId, productCode: 'ASH-STD', principalPoisha: 3_000_000, disbursedAt: Date.now(), disbursedBy: 'bench' }));
  }
  while ((await sql<[{ n: number }]>`SELECT count(*)::int AS n FROM loans WHERE status = 'active'`)[0].n < LOANS) await new Promise((r) => setTimeout(r, 100));

  // The API runs in its own process, as in production (api/main.ts), so its latency is its own.
  const sim = await startBkashSimulator({});
  // Every message is signed before the API starts and the clock runs (an RSA signature each, as SNS
  // makes them), so the load generator's own signing does not compete with the API for the cores.
  const envelopes = Array.from({ length: RATE * (WARMUP + SECONDS) }, (_, i) =>
    sim.signedNotification({ trxID: `BN${String(i).padStart(8, '0')}`, amountPoisha: 1_000, debitMSISDN: '8801700000000', reference: loans[i % LOANS]!.loanCode }, { record: false }));
  const apiPort = await randomFreePort();
  const api = startNodeProcess('api', 'api/main.ts', {
    ...common, PORT: String(apiPort), LOAD_REPORT_MS: '10000',

    BKASH_MODE: 'simulator', BKASH_SIMULATOR_URL: sim.url,
    BKASH_ACCOUNTS: JSON.stringify({ 'JHENAIDAH-SADAR': { shortCode: sim.shortCode, topicArns: [sim.topicArn] } }),
  // BENCH_API_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=prof": a profile of the API, written when it stops.
  }, infra.dir, { nodeArgs: process.env.BENCH_API_NODE_ARGS?.split(' ').filter(Boolean) });
  children.push(api);
  await waitForHttp(`http://127.0.0.1:${apiPort}/api/health`);
  const url = `http://127.0.0.1:${apiPort}/api/bkash/webhook/JHENAIDAH-SADAR`;

  // Offered load: RATE notifications per second for WARMUP + SECONDS, each to a loan in turn, 1 000 poisha.
  const warmupCount = RATE * WARMUP;
  const total = RATE * (WARMUP + SECONDS);
  const warmupLatencies: number[] = [];
  const latencies: number[] = [];
  /** Of each measured answer, the time the API spent verifying and storing (its Server-Timing header). */
  const verifyMs: number[] = [];
  const storeMs: number[] = [];
  const outsideMs: number[] = [];
  /** Latencies per 10 s of sending, to tell a slow start from a slow steady state. */
  const byWindow: number[][] = [];
  let failed = 0;
  let connectionErrors = 0;
  const started = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    inflight.push(
      (async () => {
        const t = performance.now();
        // A connection error is counted as refused (SNS would deliver it again), not thrown.
        const answer = await sim.deliver(url, envelopes[i]!).catch(() => null);
        const status = answer?.status ?? 0;
        const took = performance.now() - t;
        if (i < warmupCount) warmupLatencies.push(took);
        else {
          latencies.push(took);
          const parts = Object.fromEntries([...(answer?.serverTiming ?? '').matchAll(/(\w+);dur=([\d.]+)/g)].map((m) => [m[1], Number(m[2])]));
          if (parts.verify !== undefined && parts.store !== undefined) {
            verifyMs.push(parts.verify);
            storeMs.push(parts.store);
            outsideMs.push(took - parts.verify - parts.store);
          }
          (byWindow[Math.floor((i - warmupCount) / (RATE * 10))] ??= []).push(took);
        }
        if (status !== 200) failed += 1;
        if (status === 0) connectionErrors += 1;
      })(),
    );
  }
  await Promise.all(inflight);
  const sendSeconds = (performance.now() - started) / 1000;
  // The API's own event loop over the same time (runtime/event-loop-report.ts): a slow answer that
  // waited inside the API process shows here, one that waited on the database does not.
  const apiLoad = parseLoadWindows(await readFile(path.join(infra.dir, 'api.log'), 'utf8'), 'api').slice(-Math.ceil((sendSeconds - WARMUP) / 10));
  // Every payment in its loan's ledger: the API's queue delivers what it can, the worker's delivery
  // sweeper (workflows/payment-delivery.ts) the rest.
  const deadline = Date.now() + 15 * 60_000;
  // A notification whose answer was lost (a connection error) may still be stored: wait for every stored one.
  let applied = 0;
  while (Date.now() < deadline) {
    const [n] = await sql<[{ applied: number; stored: number }]>`
      SELECT count(*) FILTER (WHERE status = 'applied')::int AS applied, count(*)::int AS stored FROM payments WHERE trx_id LIKE 'BN%'`;
    applied = n.applied;
    if (applied >= Math.max(n.stored, total - failed)) break;
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
    warmupSeconds: WARMUP,
    warmupHttpP99Ms: +percentile(warmupLatencies, 99).toFixed(1),
    notifications: total,
    achievedPerSec: +(total / sendSeconds).toFixed(1),
    httpP50Ms: +percentile(latencies, 50).toFixed(1),
    httpP99Ms: +percentile(latencies, 99).toFixed(1),
    httpP99MsPer10s: byWindow.map((w) => Math.round(percentile(w, 99))),
    // Where the time went (p50/p99 of each part): verifying the signature, storing the payment, and
    // the rest (the network between the two processes, waiting for the API's event loop or a core).
    apiVerifyMs: p50p99(verifyMs),
    apiStoreMs: p50p99(storeMs),
    outsideHandlerMs: p50p99(outsideMs),
    apiEventLoopDelayP99MsPer10s: apiLoad.map((w) => Math.round(w.delayP99Ms)),
    apiCpuSharePer10s: apiLoad.map((w) => w.cpuShare),
    refused: failed,
    connectionErrors,
    storedRows: rows,
    distinctTrx: distinct,
    appliedToLoans: applied,
    paidPoishaTotalMatches: paid === applied * 1_000,
    secondsUntilAllInLedgers: +settledSeconds.toFixed(1),
    ledgerRatePerSec: +(applied / settledSeconds).toFixed(1),
    storeOnlyPerSec: +storeOnlyPerSec.toFixed(1),
    httpVsStoreOnlyRatio: +((total / sendSeconds) / storeOnlyPerSec).toFixed(3),
    backgroundNiceness: NICENESS,
    cpus: os.cpus().length,
  }));
  await Promise.all([api.stop(), worker.stop()]);
  await sim.stop();
  await temporal.connection.close();
  await sql.end();
} finally {
  await Promise.all(children.map((c) => c.kill9()));
  await infra.stop();
}
