// Records real workflow histories (HISTORY_TAG=v2 names them *-v2.json) for the replay test (workflows/replay.test.ts): run once when a
// workflow's code is released, commit the files, and every later change to the workflow code must
// still replay them (or patch/version the change). Usage: node --import tsx scripts/record-histories.ts
import { randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { provisionTemporalCli } from '../runtime/temporal-cli';
import { bundleWorkflowCode, DefaultLogger, Runtime } from '@temporalio/worker';
import { createSql } from '../db/client';
import { migrate } from '../db/migrate';
import { disburseLoan } from '../loans/disburse-loan';
import { PolicyStore } from '../policy/policy-store';
import { ensureDatabase, startEmbeddedPostgres } from '../runtime/embedded-postgres';
import { startDevServer } from '../runtime/temporal-dev-server';
import { addBorrower, FIXTURE_RULES, seedOffices } from '../tests/loan-harness';
import { createLoanWorker, WORKFLOWS_PATH } from '../worker/create-worker';
import { correctionWorkflowId, decideUpdate } from '../workflows/correction-definitions';
import { loanWorkflowId, payUpdate, viewQuery } from '../workflows/loan-definitions';

const OUT = path.resolve(import.meta.dirname, '../tests/fixtures/histories');
Runtime.install({ logger: new DefaultLogger('ERROR') });
const dir = await mkdtemp(path.join(os.tmpdir(), 'asrayon-histories-'));
await chmod(dir, 0o755);
const [pg, dev] = await Promise.all([startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), fast: true }), startDevServer({ dataDir: path.join(dir, 't'), persist: false, ui: false })]);
try {
  await ensureDatabase(pg.urlFor('postgres'), 'rec');
  const sql = createSql({ url: pg.urlFor('rec'), max: 5 });
  await migrate(sql);
  await seedOffices(sql);
  const policy = await PolicyStore.open(FIXTURE_RULES, { recheckMs: 0 });
  const bundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('ERROR') });
  const taskQueue = 'record';
  const { worker, close } = await createLoanWorker({ target: { address: dev.address, namespace: 'default' }, taskQueue, sql, policy, workflowBundle: bundle });
  const running = worker.run();
  const temporal = new Client({ connection: await Connection.connect({ address: dev.address }) });
  const rt = { sql, temporal, taskQueue };
  const until = async (check: () => Promise<boolean>) => {
    for (let i = 0; i < 300 && !(await check()); i++) await new Promise((r) => setTimeout(r, 100));
  };
  const pay = (loanId: string, amountPoisha: number) =>
    temporal.workflow.getHandle(loanWorkflowId(loanId)).executeUpdate(payUpdate, { args: [{ loanId, trxId: `R${randomUUID().slice(0, 8)}`, amountPoisha, paidAt: Date.now(), provider: 'bkash', recordedBy: 'record' }] });
  // The CLI writes the standard JSON form that historyFromJSON reads back.
  const cli = await provisionTemporalCli();
  const save = async (name: string, workflowId: string) => {
    const { stdout } = await promisify(execFile)(cli, ['workflow', 'show', '--workflow-id', workflowId, '--address', dev.address, '--output', 'json'], { maxBuffer: 64 << 20 });
    const file = `${name}${process.env.HISTORY_TAG ? `-${process.env.HISTORY_TAG}` : ""}.json`;
    await writeFile(path.join(OUT, file), stdout);
    console.log(`recorded ${name} (${(JSON.parse(stdout) as { events: unknown[] }).events.length} events)`);
  };

  // A FAST loan paid partly, then in grace, then in full.
  const a = await disburseLoan(rt, { borrowerId: await addBorrower(sql), productCode: 'FAST', principalPoisha: 300_000, disbursedAt: Date.now(), disbursedBy: 'record' });
  await until(async () => (await temporal.workflow.getHandle(loanWorkflowId(a.loanId)).query(viewQuery)).status === 'active');
  await pay(a.loanId, 50_000);
  await until(async () => (await temporal.workflow.getHandle(loanWorkflowId(a.loanId)).query(viewQuery)).status === 'in_grace');
  await pay(a.loanId, 265_000);
  await until(async () => (await temporal.workflow.getHandle(loanWorkflowId(a.loanId)).query(viewQuery)).status === 'closed');
  await save('loan-paid-late-then-closed', loanWorkflowId(a.loanId));

  // A FAST loan never paid until blacklisted, then settled.
  const b = await disburseLoan(rt, { borrowerId: await addBorrower(sql), productCode: 'FAST', principalPoisha: 300_000, disbursedAt: Date.now(), disbursedBy: 'record' });
  await until(async () => (await temporal.workflow.getHandle(loanWorkflowId(b.loanId)).query(viewQuery)).status === 'blacklisted');
  await pay(b.loanId, 315_000);
  await until(async () => (await temporal.workflow.getHandle(loanWorkflowId(b.loanId)).query(viewQuery)).status === 'settled');
  await save('loan-blacklisted-then-settled', loanWorkflowId(b.loanId));

  // A correction request approved by the UCO and the DCO.
  const requester = randomUUID();
  await sql`INSERT INTO users (id, username, name, role, office_id, password_hash, created_by) VALUES
    (${requester}, 'rec-collector', 'c', 'collector', 'JHENAIDAH-SADAR', 'x', 'record')`;
  const borrowerId = await addBorrower(sql);
  const requestId = randomUUID();
  await sql`INSERT INTO correction_requests (id, record_kind, record_id, office_id, changes, reason, requested_by, status)
    VALUES (${requestId}, 'borrower', ${borrowerId}, 'JHENAIDAH-SADAR', ${sql.json([{ field: 'roomNo', old: '12', new: '13' }])}, 'register says 13', ${requester}, 'pending')`;
  const handle = await temporal.workflow.start('correctionWorkflow', { taskQueue, workflowId: correctionWorkflowId(requestId), args: [{ requestId }] });
  // The query handler exists once the request is prepared; the database says when that is.
  await until(async () => (await sql`SELECT awaiting_role FROM correction_requests WHERE id = ${requestId}`)[0]?.awaiting_role != null);
  await handle.executeUpdate(decideUpdate, { args: [{ by: randomUUID(), role: 'upazila_officer', officeId: 'JHENAIDAH-SADAR', decision: 'approve', comment: '' }] });
  await handle.executeUpdate(decideUpdate, { args: [{ by: randomUUID(), role: 'district_officer', officeId: 'JHENAIDAH', decision: 'approve', comment: '' }] });
  await handle.result();
  await save('correction-approved-and-applied', correctionWorkflowId(requestId));

  worker.shutdown();
  await running;
  await close();
  await sql.end();
} finally {
  await Promise.allSettled([dev.stop(), pg.stop()]);
  await rm(dir, { recursive: true, force: true });
}
