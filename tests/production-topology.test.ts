// The production topology for real on this machine: the Temporal server (built from go.temporal.io/
// server, not the dev server) on PostgreSQL persistence and visibility, two worker processes, two
// API processes behind one address. bKash notifications go to that one address while one API process
// and one worker are killed with SIGKILL; every accepted payment is applied once, the loans run on
// the real server, and both API processes and both workers did work.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBkashSimulator, type BkashSimulator } from '../bkash/simulator';
import { createSql, type Sql } from '../db/client';
import { disburseLoan } from '../loans/disburse-loan';
import { startTopology, type Topology } from '../runtime/topology';
import { loanWorkflowId } from '../workflows/loan-definitions';
import { addBorrower, seedOffices } from './loan-harness';

const OFFICE = 'JHENAIDAH-SADAR';
const LOANS = 6;
let scratch: string;
let bkash: BkashSimulator;
let topo: Topology;
let sql: Sql;
let temporal: Client;
const loans: { loanId: string; loanCode: string }[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'asrayon-topology-'));
  execFileSync('chmod', ['755', scratch]); // PostgreSQL runs as another user when we are root
  await cp(path.resolve(import.meta.dirname, '../rules'), path.join(scratch, 'rules'), { recursive: true });
  const reminders = path.join(scratch, 'rules', 'reminders.json');
  await writeFile(reminders, JSON.stringify({ ...JSON.parse(await readFile(reminders, 'utf8')), quietHours: { start: '00:00', end: '00:00' } }));
  bkash = await startBkashSimulator({});
  topo = await startTopology({
    dataDir: path.join(scratch, 'data'),
    workers: 2,
    apis: 2,
    numHistoryShards: 8,
    env: {
      RULES_DIR: path.join(scratch, 'rules'),
      SMS_PROVIDER: 'console',
      BKASH_MODE: 'simulator',
      BKASH_SIMULATOR_URL: bkash.url,
      BKASH_ACCOUNTS: JSON.stringify({ [OFFICE]: { shortCode: bkash.shortCode, topicArns: [bkash.topicArn] } }),
    },
  });
  sql = createSql({ url: topo.databaseUrl, max: 4, application: 'asrayon-topology-test' });
  await seedOffices(sql);
  temporal = new Client({ connection: await Connection.connect({ address: topo.temporalAddress }) });
  for (let i = 0; i < LOANS; i++) {
    const borrowerId = await addBorrower(sql, `0181${String(6_000_000 + i).padStart(7, '0')}`);
    loans.push(await disburseLoan({ sql, temporal, taskQueue: topo.taskQueue }, { borrowerId, productCode: 'ASH-STD', principalPoisha: 3_000_000, disbursedAt: Date.now(), disbursedBy: 'topology-test' }));
  }
  for (let i = 0; i < 600; i++) {
    const [{ n }] = await sql<[{ n: number }]>`SELECT count(*)::int AS n FROM loans WHERE status = 'active'`;
    if (n === LOANS) break;
    await sleep(250);
  }
}, 600_000);

afterAll(async () => {
  await temporal?.connection.close();
  await sql?.end({ timeout: 5 });
  await topo?.stop();
  await bkash?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
}, 120_000);

describe('the production topology on one machine', () => {
  it('runs the loans on the Temporal server over PostgreSQL, through one address, surviving a killed API and a killed worker', async () => {
    // The loans' workflows live on the real server, whose state is in PostgreSQL.
    const described = await temporal.workflow.getHandle(loanWorkflowId(loans[0]!.loanId)).describe();
    expect(described.status.name).toBe('RUNNING');
    const store = createSql({ url: topo.databaseUrl.replace(/\/asrayon$/, '/temporal'), max: 1 });
    try {
      const [{ n }] = await store<[{ n: number }]>`SELECT count(*)::int AS n FROM executions`;
      expect(n).toBeGreaterThanOrEqual(LOANS);
    } finally {
      await store.end();
    }

    const accepted = new Set<string>();
    const url = `${topo.url}/api/bkash/webhook/${OFFICE}`;
    const send = async (i: number) => {
      const trxID = `TOPO${String(i).padStart(5, '0')}`;
      for (let attempt = 0; attempt < 120; attempt++) {
        const [r] = await bkash.notify(url, { trxID, amountPoisha: 1_000, debitMSISDN: '8801700000000', reference: loans[i % LOANS]!.loanCode }, { record: false }).catch(() => [{ status: 0 }]);
        if (r!.status === 200) return void accepted.add(trxID);
        await sleep(500);
      }
    };
    const inflight: Promise<void>[] = [];
    for (let i = 0; i < 90; i++) {
      if (i === 30) await topo.apis[0]!.kill9();
      if (i === 50) await topo.workers[0]!.kill9();
      inflight.push(send(i));
      await sleep(100);
    }
    await Promise.all(inflight);
    expect(accepted.size).toBe(90);

    // One API and one worker are gone for good here: the others carry everything.
    let applied = 0;
    for (let i = 0; i < 600 && applied < 90; i++) {
      [{ applied }] = await sql<[{ applied: number }]>`SELECT count(*)::int AS applied FROM payments WHERE trx_id LIKE 'TOPO%' AND status = 'applied'`;
      if (applied < 90) await sleep(500);
    }
    expect(applied).toBe(90);
    const [{ rows }] = await sql<[{ rows: number }]>`SELECT count(*)::int AS rows FROM payments WHERE trx_id LIKE 'TOPO%'`;
    expect(rows).toBe(90);
    const mismatched = await sql`SELECT l.id FROM loans l LEFT JOIN payments p ON p.loan_id = l.id AND p.status = 'applied'
      GROUP BY l.id HAVING l.paid_poisha <> coalesce(sum(p.amount_poisha), 0)`;
    expect(mismatched).toEqual([]);
    // Both API processes answered through the one address before one was killed.
    expect([...topo.proxy.served.values()].every((n) => n > 0)).toBe(true);
    const states = await Promise.all(loans.map((l) => temporal.workflow.getHandle(loanWorkflowId(l.loanId)).describe().then((d) => d.status.name)));
    expect(states).toEqual(loans.map(() => 'RUNNING'));
  }, 600_000);
});
