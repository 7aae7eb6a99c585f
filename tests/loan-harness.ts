// Everything a whole-life loan test needs: a database, a rules folder it may edit, a real worker on
// its own task queue against the shared dev server, and a borrower to lend to.
import { randomUUID } from 'node:crypto';
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, Runtime, type Worker } from '@temporalio/worker';
import { inject } from 'vitest';
import type { Sql } from '../db/client';
import { disburseLoan, type DisburseRequest, type LoanRuntime } from '../loans/disburse-loan';
import { startedLoanState } from '../loans/started-state';
import { PolicyStore } from '../policy/policy-store';
import { createLoanWorker } from '../worker/create-worker';
import { view } from '../domain/loan-state';
import { closeUpdate, loanWorkflowId, payUpdate, viewQuery } from '../workflows/loan-definitions';
import type { CloseRequest, LoanInput, LoanView, PaymentInput, PaymentResult } from '../domain/types';
import { createTestDb, type TestDb } from './test-db';

export const FIXTURE_RULES = path.resolve(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), 'fixtures/rules-fast');

export async function copyRules(edit?: (kind: string, json: Record<string, unknown>) => void): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'asrayon-rules-'));
  await cp(FIXTURE_RULES, dir, { recursive: true });
  if (edit) {
    for (const kind of ['products', 'deadline', 'reminders', 'grace', 'late-payment', 'default', 'holidays']) {
      const file = path.join(dir, `${kind}.json`);
      const json = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
      edit(kind, json);
      await writeFile(file, JSON.stringify(json, null, 2));
    }
  }
  return dir;
}

export async function seedOffices(sql: Sql): Promise<void> {
  await sql`INSERT INTO offices (id, parent_id, level, name_bn, name_en) VALUES
    ('BD', NULL, 'hq', 'সমবায় অধিদপ্তর', 'Department of Cooperatives'),
    ('KHULNA', 'BD', 'division', 'খুলনা বিভাগ', 'Khulna Division'),
    ('JHENAIDAH', 'KHULNA', 'district', 'ঝিনাইদহ', 'Jhenaidah'),
    ('JHENAIDAH-SADAR', 'JHENAIDAH', 'upazila', 'ঝিনাইদহ সদর', 'Jhenaidah Sadar')`;
  await sql`INSERT INTO societies (id, office_id, name_bn, name_en, project_name)
    VALUES ('SOC-1', 'JHENAIDAH-SADAR', 'আশ্রয়ণ বহুমুখী সমবায় সমিতি', 'Ashrayan Multipurpose Cooperative Society', 'আশ্রয়ণ-২ প্রকল্প')`;
}

export async function addBorrower(sql: Sql, mobile: string | null = '01712345678'): Promise<string> {
  const id = randomUUID();
  await sql`INSERT INTO borrowers (id, society_id, name, father_or_husband_name, mobile, barrack_no, room_no)
    VALUES (${id}, 'SOC-1', 'রহিমা খাতুন', 'করিম মিয়া', ${mobile}, 'B-3', '12')`;
  return id;
}

export interface Harness extends LoanRuntime {
  db: TestDb;
  rulesDir: string;
  policy: PolicyStore;
  worker: Worker;
  stopWorker(): Promise<void>;
  startWorker(): Promise<void>;
  disburse(req: Partial<DisburseRequest> & { borrowerId: string }, rt?: { maxHistoryEvents?: number }): Promise<LoanInput>;
  view(loanId: string): Promise<LoanView>;
  pay(loanId: string, p: Partial<PaymentInput> & { amountPoisha: number }): Promise<PaymentResult>;
  closeLoan(loanId: string, req: CloseRequest): Promise<LoanView>;
  /** Ends a loan a test no longer watches, so its timers stop. */
  cancel(loanId: string): Promise<void>;
  waitFor(loanId: string, check: (v: LoanView) => boolean, timeoutMs?: number): Promise<LoanView>;
  /**
   * The view of the state a workflow was started with (its history's first event): for an imported
   * loan, whose workflow sleeps until its next timer and answers no query before its first task.
   */
  startedView(loanId: string): Promise<LoanView>;
  close(): Promise<void>;
}

let runtimeInstalled = false;
function quietRuntime() {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({ logger: new DefaultLogger('WARN') });
}

export async function createHarness(opts: { rulesDir?: string; maxHistoryEvents?: number } = {}): Promise<Harness> {
  quietRuntime();
  const db = await createTestDb();
  await seedOffices(db.sql);
  const rulesDir = opts.rulesDir ?? (await copyRules());
  const policy = await PolicyStore.open(rulesDir, { recheckMs: 0 });
  const address = inject('temporalAddress');
  const connection = await Connection.connect({ address });
  const temporal = new Client({ connection });
  const taskQueue = `test-${randomUUID()}`;
  const bundle = { code: await readFile(inject('workflowBundlePath'), 'utf8') };

  let running: { worker: Worker; close: () => Promise<void>; done: Promise<void> } | null = null;
  const startWorker = async () => {
    const { worker, close } = await createLoanWorker({ target: { address, namespace: 'default' }, taskQueue, sql: db.sql, policy, workflowBundle: bundle });
    running = { worker, close, done: worker.run() };
    h.worker = worker;
  };
  const stopWorker = async () => {
    if (!running) return;
    const r = running;
    running = null;
    r.worker.shutdown();
    await r.done;
    await r.close();
  };

  const h: Harness = {
    sql: db.sql,
    temporal,
    taskQueue,
    maxHistoryEvents: opts.maxHistoryEvents,
    db,
    rulesDir,
    policy,
    worker: undefined as unknown as Worker,
    startWorker,
    stopWorker,
    disburse: (req, rt) =>
      disburseLoan({ ...h, ...rt }, { productCode: 'FAST', principalPoisha: 300_000, disbursedAt: Date.now(), disbursedBy: 'uco-test', ...req }),
    view: (loanId) => temporal.workflow.getHandle(loanWorkflowId(loanId)).query(viewQuery),
    pay: (loanId, p) =>
      temporal.workflow.getHandle(loanWorkflowId(loanId)).executeUpdate(payUpdate, {
        args: [{ loanId, trxId: `TRX${randomUUID().slice(0, 8)}`, paidAt: Date.now(), provider: 'bkash', recordedBy: 'bkash-webhook', ...p }],
      }),
    closeLoan: (loanId, req) => temporal.workflow.getHandle(loanWorkflowId(loanId)).executeUpdate(closeUpdate, { args: [req] }),
    cancel: async (loanId) => {
      await h.closeLoan(loanId, { kind: 'cancel', reason: 'test finished', by: 'test' }).catch(() => undefined);
    },
    startedView: async (loanId) => view(await startedLoanState(temporal, loanId)),
    waitFor: async (loanId, check, timeoutMs = 40_000) => {
      const deadline = Date.now() + timeoutMs;
      let last: LoanView | null = null;
      while (Date.now() < deadline) {
        try {
          last = await h.view(loanId);
          // Only once the database has caught up, so a test may read the tables right after.
          if (check(last) && last.pendingWrites === 0) return last;
        } catch {
          // not started yet
        }
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error(`loan ${loanId} did not reach the expected state in ${timeoutMs} ms; last: ${JSON.stringify(last && { status: last.status, next: last.nextTimer })}`);
    },
    close: async () => {
      await stopWorker();
      await connection.close();
      await db.drop();
    },
  };
  await startWorker();
  return h;
}

/** The reason an update was refused (Temporal wraps it as the cause of WorkflowUpdateFailedError). */
export async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    const e = err as Error & { cause?: Error };
    return e.cause?.message ?? e.message;
  }
  throw new Error('expected the update to be refused, but it was accepted');
}
