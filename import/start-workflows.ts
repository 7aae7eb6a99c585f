// Starts many loan workflows with a bounded number of start requests in flight, pausing while the
// worker has a backlog of workflow tasks. Starting faster than the worker can follow gains nothing
// (the worker and the Temporal server are what limit an import) and would queue every new loan's
// first task ahead of live work on the same task queue: a payment arriving for a loan the worker
// no longer has cached would wait behind thousands of imported loans.
// Starting is idempotent (the workflow id is the loan's), so a restarted job starts everything again.
// Each loan's first state is computed here, one start at a time, not held for the whole import.
import { duePriorPayment } from '../domain/loan-changes';
import { nextTimer, type LoanState } from '../domain/loan-state';
import { startLoanWorkflow, type LoanRuntime } from '../loans/disburse-loan';
import { importedStart, type ImportedLoan } from './imported-state';

export interface StartOptions {
  /** Start requests in flight at once (default 32). */
  concurrency?: number;
  /** Pause starting while more workflow tasks than this wait in the task queue (default 200; 0: never pause). */
  maxBacklog?: number;
  /** Called with the number started so far, at most every `progressEveryMs` and once at the end. */
  onProgress?: (started: number) => Promise<void>;
  progressEveryMs?: number;
  /** Attempts per workflow before the whole run gives up (Temporal briefly unavailable). */
  attempts?: number;
}

const TASK_QUEUE_TYPE_WORKFLOW = 1; // temporal.api.enums.v1.TaskQueueType
const BACKLOG_RECHECK_MS = 250;

/** Workflow tasks waiting in the loans' task queue, or null when the server cannot say. */
export async function workflowBacklog(rt: LoanRuntime): Promise<number | null> {
  try {
    const res = await rt.temporal.workflowService.describeTaskQueue({
      namespace: rt.temporal.options.namespace,
      taskQueue: { name: rt.taskQueue },
      taskQueueType: TASK_QUEUE_TYPE_WORKFLOW as never,
      reportStats: true,
    });
    const count = res.stats?.approximateBacklogCount;
    return count === undefined || count === null ? null : Number(count);
  } catch {
    return null;
  }
}

/** Below this, an imported loan's workflow starts at once: a delay saves nothing worth its round trip. */
const MIN_START_DELAY_MS = 60_000;

/**
 * How long an imported loan's workflow may wait before its first task. Its state is already written
 * (the import computed it), so the first task would only set the timer for the next reminder or
 * deadline; started with this delay instead, the first task runs when that timer is due, and an
 * import of 100 000 loans costs the worker nothing until then. A payment (an update) runs the
 * first task at once.
 */
export function importedStartDelay(state: LoanState, now: number): number | undefined {
  const next = nextTimer(state);
  if (!next || duePriorPayment(state)) return undefined;
  const ms = next.at - now;
  return ms >= MIN_START_DELAY_MS ? ms : undefined;
}

async function startWithRetry(rt: LoanRuntime, loan: ImportedLoan, attempts: number): Promise<void> {
  const state: LoanState | undefined = loan.origin ? importedStart(loan.input, loan.origin).state : undefined;
  for (let attempt = 1; ; attempt++) {
    try {
      await startLoanWorkflow(rt, loan.input, state, { startDelayMs: state ? importedStartDelay(state, Date.now()) : undefined });
      return;
    } catch (err) {
      if (attempt >= attempts) throw err;
      await new Promise((r) => setTimeout(r, Math.min(200 * 2 ** attempt, 5_000)));
    }
  }
}

export async function startLoanWorkflows(rt: LoanRuntime, loans: readonly ImportedLoan[], opts: StartOptions = {}): Promise<number> {
  const concurrency = Math.max(1, opts.concurrency ?? 32);
  const maxBacklog = opts.maxBacklog ?? 200;
  const every = opts.progressEveryMs ?? 500;
  let next = 0;
  let started = 0;
  let failure: unknown = null;
  let lastReport = Date.now();
  let reporting: Promise<void> = Promise.resolve();

  // One backlog look-up at a time, shared by every lane, at most every BACKLOG_RECHECK_MS.
  let backlog: { at: number; value: Promise<number | null> } | null = null;
  const currentBacklog = () => {
    if (!backlog || Date.now() - backlog.at >= BACKLOG_RECHECK_MS) backlog = { at: Date.now(), value: workflowBacklog(rt) };
    return backlog.value;
  };
  async function waitForWorker(): Promise<void> {
    if (maxBacklog <= 0) return;
    for (;;) {
      const waiting = await currentBacklog();
      if (waiting === null || waiting <= maxBacklog) return;
      await new Promise((r) => setTimeout(r, BACKLOG_RECHECK_MS));
    }
  }

  async function lane(): Promise<void> {
    while (failure === null && next < loans.length) {
      await waitForWorker();
      if (failure !== null || next >= loans.length) return;
      const loan = loans[next++]!;
      try {
        await startWithRetry(rt, loan, opts.attempts ?? 5);
      } catch (err) {
        failure ??= err;
        return;
      }
      started += 1;
      if (opts.onProgress && Date.now() - lastReport >= every) {
        lastReport = Date.now();
        const n = started;
        // One progress write at a time; a slow write never holds up the starts.
        reporting = reporting.then(() => opts.onProgress!(n)).catch(() => undefined);
      }
    }
  }

  await Promise.all(Array.from({ length: Math.min(concurrency, loans.length) }, lane));
  await reporting;
  await opts.onProgress?.(started);
  if (failure !== null) throw Object.assign(failure as Error, { started });
  return started;
}
