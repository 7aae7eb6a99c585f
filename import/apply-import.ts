// Validated rows → loans in Asrayon, all or nothing. Under a per-office lock, one transaction checks
// every row against the database and the policy (collecting every bad row) and, only if none is bad,
// writes borrowers, loans, schedules, the paid-to-date, schedule SMS and audit events in bulk (each
// loan in the state its workflow would reach first, imported-state.ts) and moves the job to
// 'starting'. After the commit the loans' workflows are started from that state, a bounded number at
// a time, with progress in the job.
// If the process stops after the commit, the job is marked failed (failInterruptedImports) and
// uploading the same file again starts the remaining workflows (resume-import.ts).
import type { Actor } from '../api/access/actor';
import type { Sql } from '../db/client';
import type { LoanRuntime } from '../loans/disburse-loan';
import type { PolicySet } from '../policy/policy-store';
import { checkAgainstDatabase, type RowSource } from './check-database';
import { finishJob, setCounters, setPhase, type ImportJob } from './import-jobs';
import type { ImportedLoan } from './imported-state';
import { planLoans } from './plan-loans';
import { startLoanWorkflows } from './start-workflows';
import type { RowError, ValidRow } from './validate-rows';
import { writeImport } from './write-import';

export interface ImportRuntime extends LoanRuntime {
  policy: { get(): Promise<PolicySet> };
  /** Workflow starts in flight at once (default 32). */
  startConcurrency?: number;
  /** Starting pauses while more workflow tasks than this wait for the worker (default 200; 0: never). */
  startMaxBacklog?: number;
  /** Attempts per workflow start before the job fails saying how many were started (default 5). */
  startAttempts?: number;
}

export interface ApplyRequest {
  job: Pick<ImportJob, 'id' | 'fileSha256'>;
  actor: Actor;
  /** Rows that passed the file checks (validateRows). */
  rows: readonly ValidRow[];
  /** What the file checks found; reported together with what the database finds. */
  fileErrors?: readonly RowError[];
  source: RowSource;
  /** Data rows in the file, good and bad. */
  rowsTotal: number;
}

export interface ApplyTimings {
  checkMs: number;
  writeMs: number;
  startMs: number;
}

export type ApplyResult = { status: 'invalid'; errors: RowError[] } | { status: 'done'; loans: number; timings: ApplyTimings } | { status: 'failed'; message: string };

/** Imports into one office are serialised, so two files cannot both claim a ledger number or NID. */
const lockKey = (officeId: string) => `import:${officeId}`;

export async function applyImport(rt: ImportRuntime, req: ApplyRequest): Promise<ApplyResult> {
  const { sql } = rt;
  const { job, actor } = req;
  const set = await rt.policy.get();
  let t = performance.now();
  const timings: ApplyTimings = { checkMs: 0, writeMs: 0, startMs: 0 };
  let outcome: { errors: RowError[] } | { loans: ImportedLoan[] };
  try {
    outcome = await sql.begin(async (transaction) => {
      // A transaction answers queries exactly like the pool; the helpers take either.
      const tx = transaction as unknown as Sql;
      await tx`SELECT pg_advisory_xact_lock(hashtext(${lockKey(actor.officeId)}))`;
      const check = await checkAgainstDatabase(tx, actor, set, req.rows, req.source);
      const errors = [...(req.fileErrors ?? []), ...check.errors].sort((a, b) => a.row - b.row);
      if (errors.length > 0) return { errors };
      timings.checkMs = performance.now() - t;
      t = performance.now();
      await setPhase(sql, job.id, 'applying', { rowsTotal: req.rowsTotal, rowsValidated: req.rowsTotal, rowsApplied: 0 });
      const planned = planLoans(check.rows, check.policies, { id: job.id, fileSha256: job.fileSha256, disbursedBy: actor.id });
      await writeImport(tx, job, planned, check.policies, set, (n) => setCounters(sql, job.id, { rowsApplied: n }));
      // Committed together with the loans: 'starting' means the loans are saved.
      await tx`UPDATE imports SET status = 'starting', rows_applied = ${planned.length}, heartbeat_at = now() WHERE id = ${job.id}`;
      return { loans: planned.map(({ input, origin }) => ({ input, origin })) };
    });
  } catch (err) {
    const message = `Nothing was imported: ${describe(err)}`;
    await finishJob(sql, job.id, { status: 'failed', message, rowsApplied: 0 });
    return { status: 'failed', message };
  }
  if ('errors' in outcome) {
    await finishJob(sql, job.id, { status: 'invalid', errors: outcome.errors, rowsTotal: req.rowsTotal, rowsValidated: req.rowsTotal });
    return { status: 'invalid', errors: outcome.errors };
  }
  timings.writeMs = performance.now() - t;
  t = performance.now();
  const failed = await startImportedWorkflows(rt, job.id, outcome.loans);
  if (failed) return failed;
  timings.startMs = performance.now() - t;
  return { status: 'done', loans: outcome.loans.length, timings };
}

/** Starts the workflows of a saved import and finishes its job: done, or failed saying what is left. */
export async function startImportedWorkflows(rt: ImportRuntime, jobId: string, loans: readonly ImportedLoan[]): Promise<{ status: 'failed'; message: string } | null> {
  try {
    const started = await startLoanWorkflows(rt, loans, { concurrency: rt.startConcurrency, maxBacklog: rt.startMaxBacklog, attempts: rt.startAttempts, onProgress: (n) => setCounters(rt.sql, jobId, { workflowsStarted: n }) });
    await finishJob(rt.sql, jobId, { status: 'done', workflowsStarted: started });
    return null;
  } catch (err) {
    const started = (err as { started?: number }).started ?? 0;
    const message =
      `All ${loans.length} loans are saved, but only ${started} of their workflows could be started (${describe(err)}). ` +
      'Upload the same file again to start the rest; nothing is imported twice.';
    await finishJob(rt.sql, jobId, { status: 'failed', message, workflowsStarted: started });
    return { status: 'failed', message };
  }
}

function describe(err: unknown): string {
  const e = err as Error & { detail?: string };
  return e.detail ? `${e.message} (${e.detail})` : (e.message ?? String(err));
}

