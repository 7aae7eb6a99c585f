// A deadline herd, and the portfolio it sleeps in. BENCH_LOANS loans (default 10 000) are disbursed at
// the same instant on a product whose installments fall due every BENCH_SPACING_S seconds (default:
// long enough to start them all first), so every loan's first installment falls due at the same
// instant T, with its reminder 60 s before. The worker runs in its own process (worker/main.ts), as
// in production. Measured:
// - the herd: from T-60 s until every loan's reminder is queued in the outbox, and from T until every
//   loan's "in grace" transition is written (aim: under 2 minutes for 10 000);
// - the portfolio: the worker's resident memory (RSS) with every workflow started and asleep on its
//   timers, and the database size (aim: worker under 1.5 GB at 100 000 loans);
// - the baseline in the same run: the same reminder rows written by bare SQL.
// Prints one JSON line. For the portfolio alone (BENCH_LOANS=100000), give BENCH_SPACING_S=2592000
// (30 days): nothing falls due during the run, and the herd part is skipped.
// BENCH_WORKER_NODE_ARGS="--cpu-prof --cpu-prof-dir=<folder>": Node options for the worker (a profile).
import { cp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { disburseLoan } from '../loans/disburse-loan';
import { seedOffices } from '../tests/loan-harness';
import { startNodeProcess, waitForOutput, type NodeProcess } from '../runtime/node-process';
import { cpuSeconds, postmasterPid, treeCpuSeconds } from './cpu-seconds';
import { startBenchInfra } from './infra';

const LOANS = Number(process.env.BENCH_LOANS ?? 10_000);
const SPACING_S = Number(process.env.BENCH_SPACING_S ?? Math.max(300, Math.ceil(LOANS / 12) + 120));
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 24);
const REMINDER_S = 60;
const HERD = SPACING_S <= 3600;
const ROOT = path.resolve(import.meta.dirname, '..');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const rssMb = async (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(await readFile(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

const infra = await startBenchInfra('herd', { temporal: true });
const { dir, pg, dev } = infra;
let worker: NodeProcess | null = null;
try {
  const sql = await infra.database('bench', 20);
  await seedOffices(sql);

  // The real rules plus one product whose installments fall due SPACING_S apart, reminded 60 s before.
  const rules = path.join(dir, 'rules');
  await cp(path.join(ROOT, 'rules'), rules, { recursive: true });
  const edit = async (kind: string, change: (j: Record<string, any>) => void) => {
    const file = path.join(rules, `${kind}.json`);
    const json = JSON.parse(await readFile(file, 'utf8')) as Record<string, any>;
    change(json);
    await writeFile(file, JSON.stringify(json, null, 2));
  };
  await edit('products', (j) => j.products.push({ code: 'HERD', nameBn: 'হার্ড', nameEn: 'Herd', minPrincipalPoisha: 100, maxPrincipalPoisha: 100_000_000, serviceChargeBps: 500, installmentCount: 12, frequency: { every: SPACING_S, unit: 'second' } }));
  await edit('reminders', (j) => {
    j.quietHours = { start: '00:00', end: '00:00' };
    j.rules.push({ name: 'herd-reminder', priority: 50, conditions: { all: [{ fact: 'productCode', operator: 'equal', value: 'HERD' }] }, event: { type: 'reminders', params: { offsets: [{ name: 'herd', before: `${REMINDER_S}s` }] } } });
  });

  worker = startNodeProcess('worker', 'worker/main.ts', {
    DATABASE_URL: pg.urlFor('bench'), DATABASE_POOL_MAX: '20', TEMPORAL_ADDRESS: dev.address, TEMPORAL_TASK_QUEUE: 'herd', RULES_DIR: rules, SMS_PROVIDER: 'console', SMS_RATE_PER_SECOND: '50', LOG_LEVEL: 'error',
  }, dir, { nodeArgs: (process.env.BENCH_WORKER_NODE_ARGS ?? '').split(' ').filter(Boolean) });
  await waitForOutput(worker, '[worker] polling');
  const rssIdle = await rssMb(worker.child.pid!);

  // Borrowers in bulk; loans one by one through the real disbursement (row, then workflow start).
  const ids = (await sql<{ id: string }[]>`
    INSERT INTO borrowers (id, society_id, name, father_or_husband_name, mobile, barrack_no, room_no)
    SELECT gen_random_uuid(), 'SOC-1', 'রহিমা খাতুন', 'করিম মিয়া', '017' || lpad(g::text, 8, '0'), 'B-3', '12' FROM generate_series(1, ${LOANS}) g
    RETURNING id`).map((r) => r.id);
  const temporal = new Client({ connection: await Connection.connect({ address: dev.address }) });
  const disbursedAt = Date.now();
  const due = disbursedAt + SPACING_S * 1000;
  const setupStarted = performance.now();
  let next = 0;
  // Progress on stderr every 30 s (a 100 000-loan run takes about an hour here).
  const progress = setInterval(() => {
    void rssMb(worker!.child.pid!).then((mb) => console.error(`[herd] ${next} of ${LOANS} disbursed after ${((performance.now() - setupStarted) / 1000).toFixed(0)} s; worker RSS ${mb.toFixed(0)} MB`));
  }, 30_000);
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < ids.length) {
        const borrowerId = ids[next++]!;
        await disburseLoan({ sql, temporal, taskQueue: 'herd' }, { borrowerId, productCode: 'HERD', principalPoisha: 1_200_000, disbursedAt, disbursedBy: 'bench' });
      }
    }),
  );
  // Started is not enough: every workflow has run its first task (schedule written, loan active).
  while ((await sql<[{ n: number }]>`SELECT count(*)::int AS n FROM loans WHERE status = 'active'`)[0].n < LOANS) await sleep(500);
  clearInterval(progress);
  const setupSeconds = (performance.now() - setupStarted) / 1000;
  const herdMissed = Date.now() > due - REMINDER_S * 1000;
  await sleep(5_000);
  const rssAsleep = await rssMb(worker.child.pid!);

  // The herd.
  const remindAt = due - REMINDER_S * 1000;
  const count = async (q: 'reminders' | 'grace') =>
    q === 'reminders'
      ? (await sql<[{ n: number; last: Date | null }]>`SELECT count(*)::int AS n, max(created_at) AS last FROM outbox WHERE template = 'installment_reminder'`)[0]
      : (await sql<[{ n: number; last: Date | null }]>`SELECT count(*)::int AS n, max(recorded_at) AS last FROM loan_events WHERE to_status = 'in_grace'`)[0];
  let reminders = await count('reminders');
  let grace = await count('grace');
  let rssPeak = rssAsleep;
  // Where the cores go from the deadline on: CPU seconds of each part, read at T and at the end.
  const pgPid = postmasterPid(path.join(dir, 'pg'));
  const cpuNow = () => {
    const own = process.cpuUsage();
    return { temporal: cpuSeconds(dev.process.pid!), ...treeCpuSeconds({ worker: worker!.child.pid!, postgres: pgPid }), bench: (own.user + own.system) / 1e6 };
  };
  let cpuAtDue: ReturnType<typeof cpuNow> | null = null;
  const deadline = HERD ? due + 15 * 60_000 : 0;
  // A reminder still unsent when its deadline passes is dropped by design (it would arrive too late),
  // so reminders are counted until the deadline, and transitions until all are written.
  while ((grace.n < LOANS || (reminders.n < LOANS && Date.now() < due)) && Date.now() < deadline) {
    await sleep(1_000);
    if (!cpuAtDue && Date.now() >= due) cpuAtDue = cpuNow();
    rssPeak = Math.max(rssPeak, await rssMb(worker.child.pid!));
    [reminders, grace] = await Promise.all([count('reminders'), count('grace')]);
  }
  const cpuEnd = cpuNow();
  const herdCpu = cpuAtDue ? Object.fromEntries(Object.entries(cpuEnd).map(([k, v]) => [k, +(v - cpuAtDue![k as keyof typeof cpuEnd]).toFixed(1)])) : null;
  const remindersSeconds = HERD && reminders.last && reminders.n === LOANS ? (reminders.last.getTime() - remindAt) / 1000 : null;
  const graceSeconds = HERD && grace.last ? (grace.last.getTime() - due) / 1000 : null;
  const [{ bytes }] = await sql<[{ bytes: string }]>`SELECT pg_database_size(current_database())::text AS bytes`;
  const [{ installments }] = await sql<[{ installments: number }]>`SELECT count(*)::int AS installments FROM installments`;

  // Baseline: the same number of reminder rows and transition events by bare SQL, one statement each.
  const t0 = performance.now();
  await sql`INSERT INTO outbox (idempotency_key, channel, recipient, template, params, body, not_before)
    SELECT 'base-' || g, 'sms', '01700000000', 'baseline', '{}', 'x', now() FROM generate_series(1, ${LOANS}) g`;
  const baseOutboxMs = performance.now() - t0;

  console.log(JSON.stringify({
    bench: 'deadline-herd',
    loans: LOANS,
    installments,
    spacingSeconds: SPACING_S,
    setupSeconds: +setupSeconds.toFixed(1),
    loansStartedPerSec: +(LOANS / setupSeconds).toFixed(1),
    herdMissedBecauseSetupWasSlow: HERD ? herdMissed : null,
    remindersQueuedBeforeTheDeadline: reminders.n,
    secondsUntilAllReminders: remindersSeconds === null ? null : +remindersSeconds.toFixed(1),
    graceTransitions: grace.n,
    secondsUntilAllGraceTransitions: graceSeconds === null ? null : +graceSeconds.toFixed(1),
    transitionsPerSec: graceSeconds ? +(grace.n / Math.max(graceSeconds, 0.001)).toFixed(1) : null,
    cpuSecondsFromTheDeadline: herdCpu,
    bareSqlOutboxRowsMs: +baseOutboxMs.toFixed(0),
    workerRssMbIdle: Math.round(rssIdle),
    workerRssMbAsleep: Math.round(rssAsleep),
    workerRssMbPeak: Math.round(rssPeak),
    databaseMb: Math.round(Number(bytes) / 1024 / 1024),
    cpus: os.cpus().length,
  }));
  await temporal.connection.close();
  await sql.end();
} finally {
  await worker?.stop();
  await infra.stop();
}
