// The `imports` table: one job per uploaded file, its status, progress counters and every bad row.
// Jobs run inside the API process; a job whose process died is recognised by its stopped heartbeat.
import { randomUUID } from 'node:crypto';
import type { Sql } from '../db/client';
import type { RowError } from './validate-rows';

export const IMPORT_STATUSES = ['validating', 'invalid', 'applying', 'starting', 'done', 'failed'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];
export const RUNNING: readonly ImportStatus[] = ['validating', 'applying', 'starting'];

export interface ImportJob {
  id: string;
  officeId: string;
  uploadedBy: string;
  filename: string;
  fileSha256: string;
  status: ImportStatus;
  rowsTotal: number;
  rowsValidated: number;
  rowsApplied: number;
  workflowsStarted: number;
  errors: RowError[];
  message: string | null;
  createdAt: string;
  finishedAt: string | null;
}

export type JobCounters = Partial<Pick<ImportJob, 'rowsTotal' | 'rowsValidated' | 'rowsApplied' | 'workflowsStarted'>>;

/** How often a running job proves it is alive, and how long a silence means it was interrupted. */
export const HEARTBEAT_MS = 5_000;
export const STALE_AFTER_MS = 30_000;

const SELECT_JOB = `SELECT id, office_id AS "officeId", uploaded_by AS "uploadedBy", filename, file_sha256 AS "fileSha256", status,
  rows_total AS "rowsTotal", rows_validated AS "rowsValidated", rows_applied AS "rowsApplied", workflows_started AS "workflowsStarted",
  errors, message, to_json(created_at)#>>'{}' AS "createdAt", to_json(finished_at)#>>'{}' AS "finishedAt" FROM imports`;

export async function getJob(sql: Sql, id: string): Promise<ImportJob | null> {
  const [job] = await sql.unsafe<ImportJob[]>(`${SELECT_JOB} WHERE id = $1`, [id]);
  return job ?? null;
}

/** Jobs of the given offices, newest first, without their row errors (the count is kept). */
export async function listJobs(sql: Sql, officeIds: string[], opts: { status?: ImportStatus; before?: { createdAt: string; id: string } | null; limit: number }): Promise<(Omit<ImportJob, 'errors'> & { errorCount: number })[]> {
  return sql<(Omit<ImportJob, 'errors'> & { errorCount: number })[]>`
    SELECT id, office_id AS "officeId", uploaded_by AS "uploadedBy", filename, file_sha256 AS "fileSha256", status,
      rows_total AS "rowsTotal", rows_validated AS "rowsValidated", rows_applied AS "rowsApplied", workflows_started AS "workflowsStarted",
      jsonb_array_length(coalesce(errors, '[]'::jsonb)) AS "errorCount", message, to_json(created_at)#>>'{}' AS "createdAt", to_json(finished_at)#>>'{}' AS "finishedAt"
    FROM imports
    WHERE office_id = ANY(${sql.array(officeIds)}::text[]) ${opts.status ? sql`AND status = ${opts.status}` : sql``}
      ${opts.before ? sql`AND (created_at, id) < (${opts.before.createdAt}::text::timestamptz, ${opts.before.id}::uuid)` : sql``}
    ORDER BY created_at DESC, id DESC LIMIT ${opts.limit}`;
}

/**
 * The job for this file in this office: a new one (`created`), or the one an earlier upload of the
 * same bytes made. Concurrent uploads of one file meet at the unique key and share a job.
 */
export async function createOrFindJob(
  sql: Sql,
  req: { officeId: string; uploadedBy: string; filename: string; fileSha256: string },
): Promise<{ job: ImportJob; created: boolean }> {
  const id = randomUUID();
  const inserted = await sql`
    INSERT INTO imports (id, office_id, uploaded_by, filename, file_sha256, status)
    VALUES (${id}, ${req.officeId}, ${req.uploadedBy}, ${req.filename}, ${req.fileSha256}, 'validating')
    ON CONFLICT (office_id, file_sha256) DO NOTHING RETURNING id`;
  if (inserted.length > 0) return { job: (await getJob(sql, id))!, created: true };
  const [existing] = await sql<{ id: string }[]>`SELECT id FROM imports WHERE office_id = ${req.officeId} AND file_sha256 = ${req.fileSha256}`;
  return { job: (await getJob(sql, existing!.id))!, created: false };
}

export async function setCounters(sql: Sql, id: string, c: JobCounters): Promise<void> {
  await sql`
    UPDATE imports SET rows_total = COALESCE(${c.rowsTotal ?? null}, rows_total), rows_validated = COALESCE(${c.rowsValidated ?? null}, rows_validated),
      rows_applied = COALESCE(${c.rowsApplied ?? null}, rows_applied), workflows_started = COALESCE(${c.workflowsStarted ?? null}, workflows_started),
      heartbeat_at = now()
    WHERE id = ${id}`;
}

/** Moves a job to a running phase (clearing an earlier failure's message when a job is retried). */
export async function setPhase(sql: Sql, id: string, status: 'validating' | 'applying' | 'starting', c: JobCounters = {}): Promise<void> {
  await sql`UPDATE imports SET status = ${status}, message = NULL, finished_at = NULL WHERE id = ${id}`;
  await setCounters(sql, id, c);
}

/**
 * Takes a failed or invalid job up again (an invalid file may pass now: a missing society was added,
 * a duplicate loan closed); false when the job is running or done, or another upload took it first.
 */
export async function retryJob(sql: Sql, id: string, status: 'validating' | 'starting'): Promise<boolean> {
  const rows = await sql`
    UPDATE imports SET status = ${status}, message = NULL, errors = '[]', finished_at = NULL, heartbeat_at = now(),
      rows_validated = CASE WHEN ${status} = 'validating' THEN 0 ELSE rows_validated END,
      rows_applied = CASE WHEN ${status} = 'validating' THEN 0 ELSE rows_applied END, workflows_started = 0
    WHERE id = ${id} AND status IN ('failed', 'invalid') RETURNING id`;
  return rows.length > 0;
}

export async function finishJob(
  sql: Sql,
  id: string,
  end: { status: 'invalid' | 'done' | 'failed'; errors?: RowError[]; message?: string | null } & JobCounters,
): Promise<void> {
  await sql`
    UPDATE imports SET status = ${end.status}, errors = ${sql.json((end.errors ?? []) as never)}, message = ${end.message ?? null},
      finished_at = now(), heartbeat_at = now()
    WHERE id = ${id}`;
  await setCounters(sql, id, end);
}

/** Keeps the job's heartbeat fresh while `work` runs, so nobody mistakes it for an interrupted one. */
export async function withHeartbeat<T>(sql: Sql, id: string, work: () => Promise<T>): Promise<T> {
  const timer = setInterval(() => {
    sql`UPDATE imports SET heartbeat_at = now() WHERE id = ${id} AND status IN ('validating', 'applying', 'starting')`.catch(() => undefined);
  }, HEARTBEAT_MS);
  timer.unref();
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

/**
 * Marks failed the running jobs whose process is gone, with a message saying what was and was not
 * saved: a job stopped before its transaction committed saved nothing; one stopped while starting
 * workflows has its loans saved, and uploading the same file again starts the rest of them.
 *
 * By default every running job: right for start-up (scripts/start.ts), before any API process runs
 * imports. While the API runs, pass `staleAfterMs` (failIfInterrupted) so only jobs whose heartbeat
 * stopped are touched, never one that is merely busy.
 */
export async function failInterruptedImports(sql: Sql, opts: { id?: string; staleAfterMs?: number } = {}): Promise<number> {
  const rows = await sql`
    UPDATE imports SET status = 'failed', finished_at = now(),
      message = CASE WHEN status = 'starting'
        THEN 'The server stopped while starting the loan workflows: all ' || rows_applied || ' loans are saved and ' || workflows_started
          || ' of their workflows were started. Upload the same file again to start the rest; nothing is imported twice.'
        ELSE 'The server stopped before the import was saved, so nothing was imported. Upload the file again.' END
    WHERE status IN ('validating', 'applying', 'starting') AND heartbeat_at <= now() - ${opts.staleAfterMs ?? 0}::double precision * interval '1 millisecond'
      ${opts.id ? sql`AND id = ${opts.id}` : sql``}
    RETURNING id`;
  return rows.length;
}

/** One job, if its process stopped (the API restarted under it): checked whenever a job is read or re-uploaded. */
export function failIfInterrupted(sql: Sql, id: string): Promise<number> {
  return failInterruptedImports(sql, { id, staleAfterMs: STALE_AFTER_MS });
}

/**
 * Share of the job done, for a progress bar, weighted by where the time goes (bench/import.ts on 2
 * cores: 10 000 rows take about 1 s to read and check, 4 s in the database, and 8 minutes to start
 * their workflows at the pace the worker keeps up with).
 */
export function importPercent(job: Pick<ImportJob, 'status' | 'rowsTotal' | 'rowsValidated' | 'rowsApplied' | 'workflowsStarted'>): number {
  if (!RUNNING.includes(job.status)) return 100;
  const total = Math.max(job.rowsTotal, 1);
  const share = (n: number) => Math.min(n / total, 1);
  return Math.min(99, Math.floor(5 * share(job.rowsValidated) + 10 * share(job.rowsApplied) + 85 * share(job.workflowsStarted)));
}
