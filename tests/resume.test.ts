// A second start resumes where the first stopped: the dev server keeps its state in the data
// folder, so a loan disbursed before the stop still has its timers, and they fire after the restart.
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { inject, afterAll, describe, expect, it } from 'vitest';
import { disburseLoan } from '../loans/disburse-loan';
import { PolicyStore } from '../policy/policy-store';
import { startDevServer, type DevServer } from '../runtime/temporal-dev-server';
import { createLoanWorker } from '../worker/create-worker';
import { loanWorkflowId, viewQuery } from '../workflows/loan-definitions';
import type { LoanView } from '../domain/types';
import { addBorrower, copyRules, seedOffices } from './loan-harness';
import { createTestDb } from './test-db';

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

describe('restarting the whole system', () => {
  it('keeps running loans and fires the timers that fell due while it was stopped', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'asrayon-resume-'));
    await chmod(dataDir, 0o755);
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const db = await createTestDb();
    cleanups.push(() => db.drop());
    await seedOffices(db.sql);
    const policy = await PolicyStore.open(await copyRules(), { recheckMs: 0 });
    const bundle = { code: await readFile(inject('workflowBundlePath'), 'utf8') };

    const up = async () => {
      const server = await startDevServer({ dataDir, ui: false, readyTimeoutMs: 120_000 });
      const { worker, close } = await createLoanWorker({ target: { address: server.address, namespace: 'default' }, taskQueue: 'resume', sql: db.sql, policy, workflowBundle: bundle });
      const running = worker.run();
      const client = new Client({ connection: await Connection.connect({ address: server.address }) });
      const down = async () => {
        worker.shutdown();
        await running;
        await close();
        await client.connection.close();
        await server.stop();
      };
      return { server, client, down };
    };

    const first = await up();
    const borrowerId = await addBorrower(db.sql);
    const loan = await disburseLoan({ sql: db.sql, temporal: first.client, taskQueue: 'resume' }, {
      borrowerId, productCode: 'FAST', principalPoisha: 300_000, disbursedAt: Date.now(), disbursedBy: 'test',
    });
    const firstAddress = first.server.address;
    const handle1 = first.client.workflow.getHandle(loanWorkflowId(loan.loanId));
    for (let i = 0; i < 50 && (await handle1.query(viewQuery)).status !== 'active'; i++) await new Promise((r) => setTimeout(r, 100));
    await first.down();

    await new Promise((r) => setTimeout(r, 7_000)); // installment 1's deadline and grace pass while everything is down

    const second = await up();
    cleanups.push(second.down);
    expect(second.server.address).toBe(firstAddress); // the data folder remembers its port
    const handle = second.client.workflow.getHandle(loanWorkflowId(loan.loanId));
    let v: LoanView | null = null;
    for (let i = 0; i < 200; i++) {
      v = await handle.query(viewQuery);
      if (v.decisions.some((d) => d.to === 'defaulted')) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(v!.decisions.map((d) => d.to).slice(0, 4)).toEqual(['active', 'in_grace', 'overdue', 'defaulted']);
  });
});
