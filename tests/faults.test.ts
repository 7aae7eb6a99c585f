// kill -9, in turn, a worker, the API, the Temporal server and PostgreSQL while bKash payment
// notifications flow in at a steady rate. After each comes back, and at the end:
// - every payment bKash was told we accepted (HTTP 200) is stored once and applied once;
// - every loan's paid amount equals the sum of its applied payments, one ledger event per payment;
// - every loan workflow is still running; every loan's audit chain verifies;
// - no SMS reached the gateway twice (BulkSMSBD, which cannot drop a repeat, so a duplicate shows).
// This file runs its own PostgreSQL and Temporal server (they are killed), not the shared ones.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { verifyAuditChains } from '../audit/verify-chain';
import { startBkashSimulator, type BkashSimulator } from '../bkash/simulator';
import { createSql, type Sql } from '../db/client';
import { migrate } from '../db/migrate';
import { disburseLoan } from '../loans/disburse-loan';
import { randomFreePort } from '../runtime/ports';
import { ensureDatabase, startEmbeddedPostgres, type EmbeddedDb } from '../runtime/embedded-postgres';
import { startDevServer, type DevServer } from '../runtime/temporal-dev-server';
import { startSmsSimulator, type SmsSimulator } from '../sms/simulator';
import { loanWorkflowId } from '../workflows/loan-definitions';
import { PAYMENT_DELIVERY_WORKFLOW_ID } from '../workflows/payment-delivery';
import { addBorrower, seedOffices } from './loan-harness';
import { startNodeProcess, waitForHttp, waitForOutput, type NodeProcess } from '../runtime/node-process';

const LOANS = 12;
const RATE_PER_SECOND = 5;
const OFFICE = 'JHENAIDAH-SADAR';
const QUEUE = 'faults';

let scratch: string;
let pg: EmbeddedDb;
let dev: DevServer;
let sql: Sql;
let bkash: BkashSimulator;
let sms: SmsSimulator;
let worker: NodeProcess;
let api: NodeProcess;
let apiPort: number;
const loans: { loanId: string; loanCode: string }[] = [];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function processEnv(): Record<string, string> {
  return {
    DATABASE_URL: pg.urlFor('faults'),
    DATABASE_POOL_MAX: '8',
    TEMPORAL_ADDRESS: dev.address,
    TEMPORAL_TASK_QUEUE: QUEUE,
    WORKFLOW_BUNDLE_PATH: inject('workflowBundlePath'),
    LOG_LEVEL: 'error',
    SMS_PROVIDER: 'bulksmsbd',
    SMS_BASE_URL: sms.url,
    BULKSMSBD_API_KEY: sms.credentials.bulksmsbd.apiKey,
    BULKSMSBD_SENDER_ID: sms.credentials.bulksmsbd.senderId,
    SMS_RATE_PER_SECOND: '50',
    RULES_DIR: path.join(scratch, 'rules'),
    BKASH_MODE: 'simulator',
    BKASH_SIMULATOR_URL: bkash.url,
    BKASH_ACCOUNTS: JSON.stringify({ [OFFICE]: { shortCode: bkash.shortCode, topicArns: [bkash.topicArn] } }),
  };
}

async function startWorker(): Promise<void> {
  worker = startNodeProcess('worker', 'worker/main.ts', processEnv(), scratch);
  await waitForOutput(worker, '[worker] polling');
}

async function startApi(): Promise<void> {
  api = startNodeProcess('api', 'api/main.ts', { ...processEnv(), PORT: String(apiPort) }, scratch);
  await waitForHttp(`http://127.0.0.1:${apiPort}/api/health`);
}

async function startPostgres(): Promise<void> {
  pg = await startEmbeddedPostgres({ dataDir: path.join(scratch, 'pg') });
}

async function startTemporal(): Promise<void> {
  dev = await startDevServer({ dataDir: path.join(scratch, 'temporal'), persist: true, ui: false, readyTimeoutMs: 120_000 });
}

/** kill -9 the postmaster and every backend: a crash, not a shutdown (recovery runs on restart). */
function kill9Postgres(): void {
  const pid = Number(readFileSync(path.join(scratch, 'pg', 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
  process.kill(pid, 'SIGKILL');
  try {
    execFileSync('pkill', ['-9', '-P', String(pid)]);
  } catch {
    // no backends left
  }
}

async function gone(pid: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await sleep(100);
  }
  throw new Error(`process ${pid} did not die`);
}

/**
 * Steady bKash notifications, each retried (as SNS retries) until our API answers 200. `accepted`
 * holds the trxIDs we answered 200 for: the promise made to bKash that must be kept.
 */
function startLoad() {
  const accepted = new Set<string>();
  const offered: string[] = [];
  const pending = new Set<Promise<void>>();
  let refusals = 0;
  let running = true;
  const url = () => `http://127.0.0.1:${apiPort}/api/bkash/webhook/${OFFICE}`;
  const deliver = async (trxID: string, loanCode: string) => {
    for (let attempt = 0; attempt < 600; attempt++) {
      try {
        const [r] = await bkash.notify(url(), { trxID, amountPoisha: 1_000, debitMSISDN: '8801700000000', reference: loanCode }, { record: false });
        if (r!.status === 200) {
          accepted.add(trxID);
          return;
        }
      } catch {
        // connection refused or reset: the API is down
      }
      refusals += 1;
      await sleep(500);
    }
  };
  const generator = (async () => {
    for (let i = 0; running; i++) {
      const trxID = `FLT${String(i).padStart(6, '0')}`;
      offered.push(trxID);
      const p = deliver(trxID, loans[i % loans.length]!.loanCode).finally(() => pending.delete(p));
      pending.add(p);
      await sleep(1000 / RATE_PER_SECOND);
    }
  })();
  return {
    accepted,
    offered,
    get refusals() {
      return refusals;
    },
    async stop() {
      running = false;
      await generator;
      while (pending.size) await Promise.all([...pending]);
    },
  };
}

/**
 * Waits until every accepted payment is applied, then checks the ledger against the payments. Slow is
 * not lost: it waits as long as payments keep being applied (under the full suite's load the ledger
 * fills slowly), and fails when nothing moves for a minute, showing what the stuck payments say.
 */
async function expectLedgerWhole(accepted: Set<string>, label: string): Promise<void> {
  const trx = [...accepted];
  let applied = -1;
  let lastProgress = Date.now();
  const giveUp = Date.now() + 10 * 60_000;
  while (Date.now() < giveUp && Date.now() - lastProgress < 60_000) {
    const [{ n }] = await sql<[{ n: number }]>`SELECT count(*)::int AS n FROM payments WHERE trx_id = ANY(${trx}) AND status = 'applied'`;
    if (n !== applied) lastProgress = Date.now();
    applied = n;
    if (applied === trx.length) break;
    await sleep(1_000);
  }
  if (applied !== trx.length) {
    const stuck = await sql`SELECT status, loan_id IS NULL AS unmatched, delivery_error, count(*)::int AS n FROM payments
      WHERE trx_id = ANY(${trx}) AND status <> 'applied' GROUP BY 1, 2, 3`;
    const missing = trx.length - (await sql<[{ n: number }]>`SELECT count(*)::int AS n FROM payments WHERE trx_id = ANY(${trx})`)[0].n;
    expect.fail(`${label}: ${applied} of ${trx.length} accepted payments applied, ${missing} not even stored; the others: ${JSON.stringify(stuck)}\n${await whyStuck(trx)}`);
  }
  const [{ rows, distinct }] = await sql<[{ rows: number; distinct: number }]>`
    SELECT count(*)::int AS rows, count(DISTINCT trx_id)::int AS distinct FROM payments WHERE trx_id LIKE 'FLT%'`;
  expect(rows, `${label}: one row per trxID`).toBe(distinct);
  const mismatched = await sql`
    SELECT l.id, l.paid_poisha, coalesce(sum(p.amount_poisha), 0)::bigint AS sum
    FROM loans l LEFT JOIN payments p ON p.loan_id = l.id AND p.status = 'applied'
    GROUP BY l.id HAVING l.paid_poisha <> coalesce(sum(p.amount_poisha), 0)`;
  expect(mismatched, `${label}: loans whose paid amount is not the sum of their payments`).toEqual([]);
  const doubled = await sql`SELECT actor, count(*)::int AS n FROM loan_events WHERE kind = 'payment' GROUP BY loan_id, actor HAVING count(*) > 1`;
  expect(doubled, `${label}: payments recorded twice in a loan's ledger`).toEqual([]);
}

/** What a CI log needs when payments stay stuck: the sweeper's and a stuck loan's pending work, and the processes' last words. */
async function whyStuck(trx: string[]): Promise<string> {
  const lines: string[] = [];
  try {
    const [one] = await sql<{ loan_id: string }[]>`SELECT loan_id FROM payments WHERE trx_id = ANY(${trx}) AND status = 'received' AND loan_id IS NOT NULL LIMIT 1`;
    const temporal = new Client({ connection: await Connection.connect({ address: dev.address }) });
    try {
      for (const id of [PAYMENT_DELIVERY_WORKFLOW_ID, ...(one ? [loanWorkflowId(one.loan_id)] : [])]) {
        const d = await temporal.workflow.getHandle(id).describe();
        const pending = d.raw.pendingActivities?.map((a) => ({ type: a.activityType?.name, attempt: a.attempt, state: a.state, lastFailure: a.lastFailure?.message, lastHeartbeat: a.lastHeartbeatTime?.seconds?.toString() }));
        // A loan's activities are local: they run inside its workflow task, so that task is what may be stuck.
        const task = d.raw.pendingWorkflowTask;
        const taskInfo = task ? { state: task.state, attempt: task.attempt, scheduled: task.scheduledTime?.seconds?.toString(), started: task.startedTime?.seconds?.toString() } : null;
        lines.push(`${id}: ${d.status.name}, pending activities ${JSON.stringify(pending ?? [])}, pending workflow task ${JSON.stringify(taskInfo)}`);
      }
    } finally {
      await temporal.connection.close();
    }
  } catch (err) {
    lines.push(`(could not describe the workflows: ${(err as Error).message})`);
  }
  for (const name of ['worker', 'api']) {
    const log = await readFile(path.join(scratch, `${name}.log`), 'utf8').catch(() => '');
    lines.push(`--- last of ${name}.log ---`, ...log.split('\n').filter((l) => !/Worker state changed|sdkComponent|taskQueue|state: '|^\s*}$/.test(l)).slice(-40));
  }
  return lines.join('\n');
}

beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'asrayon-faults-'));
  execFileSync('chmod', ['755', scratch]); // PostgreSQL runs as another user when we are root
  // The real rules, without quiet hours: this test may run at night in Dhaka.
  await cp(path.resolve(import.meta.dirname, '../rules'), path.join(scratch, 'rules'), { recursive: true });
  const reminders = path.join(scratch, 'rules', 'reminders.json');
  const json = JSON.parse(await readFile(reminders, 'utf8')) as Record<string, unknown>;
  await writeFile(reminders, JSON.stringify({ ...json, quietHours: { start: '00:00', end: '00:00' } }, null, 2));
  [bkash, sms, apiPort] = await Promise.all([startBkashSimulator({}), startSmsSimulator(), randomFreePort()]);
  await Promise.all([startPostgres(), startTemporal()]);
  await ensureDatabase(pg.urlFor('postgres'), 'faults');
  sql = createSql({ url: pg.urlFor('faults'), max: 4, application: 'asrayon-faults-test' });
  await migrate(sql);
  await seedOffices(sql);
  await Promise.all([startWorker(), startApi()]);
  const temporal = new Client({ connection: await Connection.connect({ address: dev.address }) });
  for (let i = 0; i < LOANS; i++) {
    const borrowerId = await addBorrower(sql, `0171${String(5_000_000 + i).padStart(7, '0')}`);
    loans.push(await disburseLoan({ sql, temporal, taskQueue: QUEUE }, { borrowerId, productCode: 'ASH-STD', principalPoisha: 3_000_000, disbursedAt: Date.now(), disbursedBy: 'faults-test' }));
  }
  await temporal.connection.close();
  for (let i = 0; i < 600; i++) {
    const [{ n }] = await sql<[{ n: number }]>`SELECT count(*)::int AS n FROM loans WHERE status = 'active'`;
    if (n === LOANS) break;
    await sleep(200);
  }
}, 240_000);

afterAll(async () => {
  await Promise.allSettled([worker?.stop(), api?.stop()]);
  await sql?.end({ timeout: 5 });
  await Promise.allSettled([dev?.stop(), pg?.stop(), bkash?.stop(), sms?.stop()]);
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('kill -9 while payments flow', () => {
  it('loses no accepted payment, counts none twice, keeps every workflow, sends no SMS twice', async () => {
    const load = startLoad();
    const phase = async (label: string, crash: () => Promise<void>, restart: () => Promise<void>) => {
      await sleep(4_000);
      await crash();
      await sleep(3_000); // payments keep coming while it is down
      await restart();
      await sleep(4_000);
      // What was accepted so far is whole before the next crash (payments keep flowing meanwhile).
      await expectLedgerWhole(new Set(load.accepted), `after ${label} came back`);
      return label;
    };

    await phase('worker', () => worker.kill9(), startWorker);
    await phase('api', () => api.kill9(), startApi);
    await phase(
      'temporal',
      async () => {
        dev.process.kill('SIGKILL');
        await gone(dev.process.pid!);
      },
      startTemporal,
    );
    await phase(
      'postgres',
      async () => {
        const pid = Number(readFileSync(path.join(scratch, 'pg', 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
        kill9Postgres();
        await gone(pid);
      },
      startPostgres,
    );
    await load.stop();

    // Every component was down once, so some notifications were refused and retried.
    expect(load.refusals).toBeGreaterThan(0);
    expect(load.accepted.size).toBe(load.offered.length);
    await expectLedgerWhole(load.accepted, 'after all four crashes');

    // Every loan workflow is still running.
    const temporal = new Client({ connection: await Connection.connect({ address: dev.address }) });
    try {
      const states = await Promise.all(loans.map((l) => temporal.workflow.getHandle(loanWorkflowId(l.loanId)).describe().then((d) => d.status.name)));
      expect(states).toEqual(loans.map(() => 'RUNNING'));
    } finally {
      await temporal.connection.close();
    }

    const audit = await verifyAuditChains(sql);
    expect(audit.problems).toEqual([]);

    // No SMS twice: wait for the outbox to drain, then every gateway message matches one outbox row.
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      const [{ n }] = await sql<[{ n: number }]>`SELECT count(*)::int AS n FROM outbox WHERE channel = 'sms' AND status IN ('pending', 'sending')`;
      if (n === 0) break;
      await sleep(1_000);
    }
    const outbox = await sql<{ recipient: string; body: string; status: string }[]>`SELECT recipient, body, status FROM outbox WHERE channel = 'sms'`;
    const sent = outbox.filter((o) => o.status === 'sent');
    expect(sent.length).toBeGreaterThan(load.accepted.size / 2);
    const key = (msisdn: string, body: string) => `${msisdn.replace(/^88/, '')}|${body}`;
    const atGateway = new Map<string, number>();
    for (const m of sms.messages()) atGateway.set(key(m.msisdn, m.body), (atGateway.get(key(m.msisdn, m.body)) ?? 0) + 1);
    const rowsPerText = new Map<string, number>();
    for (const o of outbox) rowsPerText.set(key(o.recipient, o.body), (rowsPerText.get(key(o.recipient, o.body)) ?? 0) + 1);
    const twice = [...atGateway].filter(([k, n]) => n > (rowsPerText.get(k) ?? 0));
    expect(twice, 'texts that reached the gateway more often than they were queued').toEqual([]);
    for (const o of sent) expect(atGateway.get(key(o.recipient, o.body)) ?? 0, `sent row reached the gateway: ${o.body.slice(0, 40)}`).toBeGreaterThanOrEqual(1);
    console.log(JSON.stringify({
      faults: ['worker', 'api', 'temporal', 'postgres'],
      offered: load.offered.length,
      accepted: load.accepted.size,
      refusedThenRetried: load.refusals,
      loans: LOANS,
      smsQueued: outbox.length,
      smsSent: sent.length,
      smsFailedMayHaveArrived: outbox.filter((o) => o.status === 'failed').length,
      smsAtGateway: sms.messages().length,
      auditEventsVerified: audit.events,
    }));
  }, 1_500_000);
});
