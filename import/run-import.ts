// An uploaded file → an import job running in the background of this process: read the file, check
// every row, apply (import/apply-import.ts). The job row in `imports` is the only state; anyone may
// watch it. Uploading the same file again finds its job, and takes a failed one up again.
import { createHash } from 'node:crypto';
import type { Actor } from '../api/access/actor';
import { toDhakaDate } from '../domain/dhaka-time';
import { applyImport, type ApplyResult, type ImportRuntime } from './apply-import';
import { createOrFindJob, failIfInterrupted, finishJob, getJob, retryJob, setCounters, withHeartbeat, type ImportJob } from './import-jobs';
import { ImportFileError, parseImportFile } from './parse-file';
import { resumeImport } from './resume-import';
import { validateRows } from './validate-rows';

export interface UploadedFile {
  buffer: Buffer;
  filename: string;
}

/** Jobs running in this process; tests and a graceful shutdown may wait for them. */
const running = new Set<Promise<unknown>>();

export function runningImports(): Promise<unknown[]> {
  return Promise.all(running);
}

function inBackground(rt: ImportRuntime, jobId: string, work: () => Promise<unknown>): void {
  const task = withHeartbeat(rt.sql, jobId, work)
    .catch(async (err: Error) => {
      console.error(`[import] job ${jobId} stopped`, err);
      await finishJob(rt.sql, jobId, { status: 'failed', message: `The import stopped unexpectedly: ${err.message}` }).catch(() => undefined);
    })
    .finally(() => running.delete(task));
  running.add(task);
}

/** Reads and checks the file, then applies it. Whole-file problems make the job invalid with a message. */
export async function runImport(rt: ImportRuntime, job: Pick<ImportJob, 'id' | 'fileSha256'>, actor: Actor, file: UploadedFile): Promise<ApplyResult> {
  let parsed;
  try {
    parsed = await parseImportFile(file.buffer, file.filename);
  } catch (err) {
    if (!(err instanceof ImportFileError)) throw err;
    await finishJob(rt.sql, job.id, { status: 'invalid', message: err.message });
    return { status: 'invalid', errors: [] };
  }
  const rowsTotal = parsed.rows.length;
  await setCounters(rt.sql, job.id, { rowsTotal });
  const set = await rt.policy.get();
  const products = set.files.products.content.products.map(({ code, nameBn, nameEn }) => ({ code, nameBn, nameEn }));
  const { valid, errors } = validateRows(parsed.rows, { today: toDhakaDate(Date.now()), headers: parsed.headers, products });
  await setCounters(rt.sql, job.id, { rowsValidated: rowsTotal });
  const source = { headers: parsed.headers, values: new Map(parsed.rows.map((r) => [r.row, r.values])) };
  return applyImport(rt, { job, actor, rows: valid, fileErrors: errors, source, rowsTotal });
}

/**
 * Accepts an upload: the job for these bytes in the uploader's office, started in the background
 * if new. The same file again returns its job; a failed or invalid one is taken up again (a failed
 * job's saved loans get their remaining workflows started; if nothing was saved, the whole file is
 * checked and imported again).
 */
export async function submitImport(rt: ImportRuntime, actor: Actor, file: UploadedFile): Promise<ImportJob> {
  const fileSha256 = createHash('sha256').update(file.buffer).digest('hex');
  const { job, created } = await createOrFindJob(rt.sql, { officeId: actor.officeId, uploadedBy: actor.id, filename: file.filename, fileSha256 });
  if (created) {
    inBackground(rt, job.id, () => runImport(rt, job, actor, file));
    return job;
  }
  await failIfInterrupted(rt.sql, job.id);
  const [{ saved }] = await rt.sql<[{ saved: boolean }]>`SELECT EXISTS (SELECT 1 FROM loans WHERE import_id = ${job.id}) AS saved`;
  if (await retryJob(rt.sql, job.id, saved ? 'starting' : 'validating')) {
    inBackground(rt, job.id, () => (saved ? resumeImport(rt, job.id) : runImport(rt, job, actor, file)));
  }
  return (await getJob(rt.sql, job.id))!;
}
