// Bulk import of an upazila's borrowers and loans from a CSV/XLSX ledger: the template, the upload
// (checked and applied in the background, import/run-import.ts), the job's progress and every bad
// row, and a Server-Sent Events stream of that progress.
import path from 'node:path';
import { createRoute, z } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { streamSSE } from 'hono/streaming';
import type { ImportRuntime } from '../../import/apply-import';
import { failIfInterrupted, failInterruptedImports, getJob, IMPORT_STATUSES, importPercent, listJobs, RUNNING, STALE_AFTER_MS, type ImportJob } from '../../import/import-jobs';
import { decodeCursor, page } from '../pagination';
import { Id, Page, PageQuery } from '../schemas';
import { submitImport } from '../../import/run-import';
import { templateCsv, templateXlsx } from '../../import/template';
import { PolicyStore, type PolicySet } from '../../policy/policy-store';
import { requireActor } from '../access/require-actor';
import { assertCanRead, assertCanWrite, scopeFilter } from '../access/scope';
import type { App, AppDeps } from '../app-env';
import { ApiError, errorResponses, renderError } from '../errors';

export const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** How often the event stream looks at the job, and how long it may stay silent before a keep-alive. */
const POLL_MS = 250;
const KEEPALIVE_MS = 15_000;

export interface ImportDeps {
  /** The policy in force (products, limits); by default the rules folder named by RULES_DIR. */
  policy?: { get(): Promise<PolicySet> };
  /** Workflow starts in flight at once. */
  startConcurrency?: number;
}

const RowErrorView = z.object({ row: z.number(), column: z.string(), value: z.string(), reason: z.string() });
const Progress = z.object({
  id: z.string(), status: z.enum(IMPORT_STATUSES), rowsTotal: z.number(), rowsValidated: z.number(), rowsApplied: z.number(),
  workflowsStarted: z.number(), percent: z.number(), message: z.string().nullable(), errorCount: z.number(),
});
/** A job in a list: everything but its bad rows (their count is in errorCount). */
const ImportSummary = Progress.extend({
  officeId: z.string(), uploadedBy: z.string(), filename: z.string(), createdAt: z.string(), finishedAt: z.string().nullable(),
}).openapi('ImportSummary');
const ImportView = ImportSummary.extend({ errors: z.array(RowErrorView) }).openapi('Import');
const Params = z.object({ id: z.string().uuid() });

type JobSummary = Omit<ImportJob, 'errors'> & { errorCount: number };
const progressOf = (j: JobSummary): z.infer<typeof Progress> => ({
  id: j.id, status: j.status, rowsTotal: j.rowsTotal, rowsValidated: j.rowsValidated, rowsApplied: j.rowsApplied,
  workflowsStarted: j.workflowsStarted, percent: importPercent(j), message: j.message, errorCount: j.errorCount,
});
const summaryOf = (j: JobSummary): z.infer<typeof ImportSummary> => ({
  ...progressOf(j), officeId: j.officeId, uploadedBy: j.uploadedBy, filename: j.filename, createdAt: j.createdAt, finishedAt: j.finishedAt,
});
const counted = (j: ImportJob): JobSummary => ({ ...j, errorCount: j.errors.length });
const viewOf = (j: ImportJob): z.infer<typeof ImportView> => ({ ...summaryOf(counted(j)), errors: j.errors });
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const template = (format: 'csv' | 'xlsx') =>
  createRoute({
    method: 'get', path: `/api/imports/template.${format}`, summary: `The blank import template (${format.toUpperCase()}): Bengali and English headers and one example row`,
    responses: { 200: { description: 'the template', content: { [format === 'csv' ? 'text/csv' : XLSX_TYPE]: { schema: z.string().openapi({ format: format === 'csv' ? undefined : 'binary' }) } } }, ...errorResponses('UNAUTHORIZED') },
  });

const routes = {
  templateCsv: template('csv'),
  templateXlsx: template('xlsx'),
  upload: createRoute({
    method: 'post', path: '/api/imports',
    summary: 'Upload a CSV/XLSX of borrowers and loans for my upazila; it is checked and imported in the background, all or nothing',
    middleware: [
      bodyLimit({
        maxSize: MAX_UPLOAD_BYTES,
        onError: (c) =>
          renderError(new HTTPException(413, { message: `The file is larger than ${MAX_UPLOAD_BYTES / 1024 / 1024} MB. Split it into smaller files (for example one per society) and upload each.` }), c),
      }),
    ] as const,
    request: {
      body: {
        content: { 'multipart/form-data': { schema: z.object({ file: z.instanceof(File, { message: 'must be a file (form field "file")' }).openapi({ type: 'string', format: 'binary' }) }) } },
        required: true,
      },
    },
    responses: {
      202: { description: 'accepted: the job (an earlier job when the same file was uploaded before)', content: { 'application/json': { schema: z.object({ import: z.object({ id: z.string(), status: z.enum(IMPORT_STATUSES) }) }) } } },
      413: { description: 'the file is too large', content: { 'application/json': { schema: z.unknown() } } },
      ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN'),
    },
  }),
  list: createRoute({
    method: 'get', path: '/api/imports', summary: 'Imports of my office and the offices below it, newest first',
    request: { query: PageQuery.extend({ status: z.enum(IMPORT_STATUSES).optional(), officeId: Id.optional().describe('only this office and the offices below it') }) },
    responses: { 200: { description: 'imports', content: { 'application/json': { schema: Page(ImportSummary) } } }, ...errorResponses('UNAUTHORIZED', 'BAD_REQUEST', 'NOT_FOUND') },
  }),
  get: createRoute({
    method: 'get', path: '/api/imports/{id}', summary: 'An import: status, progress and every bad row',
    request: { params: Params },
    responses: { 200: { description: 'the import', content: { 'application/json': { schema: z.object({ import: ImportView }) } } }, ...errorResponses('UNAUTHORIZED', 'NOT_FOUND') },
  }),
  events: createRoute({
    method: 'get', path: '/api/imports/{id}/events',
    summary: "Server-Sent Events: 'progress' whenever the job moves, then one event named by its final status (done, invalid or failed) carrying the whole job",
    request: { params: Params },
    responses: { 200: { description: 'an event stream', content: { 'text/event-stream': { schema: z.string() } } }, ...errorResponses('UNAUTHORIZED', 'NOT_FOUND') },
  }),
};

/** The API process has no policy store of its own; it reads the same rules folder as the worker. */
function defaultPolicy(): { get(): Promise<PolicySet> } {
  let store: Promise<PolicyStore> | null = null;
  return {
    get: async () => {
      store ??= PolicyStore.open(path.resolve(process.env.RULES_DIR ?? 'rules')).catch((err: unknown) => {
        store = null;
        throw err;
      });
      return (await store).get();
    },
  };
}

export function registerImports(app: App, deps: AppDeps & ImportDeps): void {
  const { sql } = deps;
  const rt: ImportRuntime = { sql, temporal: deps.temporal, taskQueue: deps.taskQueue, policy: deps.policy ?? defaultPolicy(), startConcurrency: deps.startConcurrency };

  async function readableJob(c: Parameters<typeof requireActor>[0], id: string): Promise<ImportJob> {
    const actor = requireActor(c);
    await failIfInterrupted(sql, id);
    const job = await getJob(sql, id);
    if (!job) throw new ApiError('NOT_FOUND', 'no import here');
    await assertCanRead(sql, actor, { officeId: job.officeId }, 'import');
    return job;
  }

  const download = { 'content-disposition': 'attachment; filename="asrayon-import-template.csv"', 'cache-control': 'no-store' };
  app.openapi(routes.templateCsv, (c) => {
    requireActor(c);
    return c.body(templateCsv(), 200, { ...download, 'content-type': 'text/csv; charset=utf-8' });
  });
  app.openapi(routes.templateXlsx, async (c) => {
    requireActor(c);
    return c.body(new Uint8Array(await templateXlsx()), 200, { ...download, 'content-disposition': 'attachment; filename="asrayon-import-template.xlsx"', 'content-type': XLSX_TYPE });
  });

  app.openapi(routes.upload, async (c) => {
    const actor = requireActor(c);
    // Importing is disbursing loans in one's own office; each row's society is checked the same way.
    await assertCanWrite(sql, actor, 'loan.disburse', { officeId: actor.officeId }, 'office');
    const { file } = c.req.valid('form');
    if (file.size === 0) throw new ApiError('BAD_REQUEST', 'the file is empty', 'file');
    const job = await submitImport(rt, actor, { buffer: Buffer.from(await file.arrayBuffer()), filename: file.name || 'upload' });
    c.header('location', `/api/imports/${job.id}`);
    return c.json({ import: { id: job.id, status: job.status } }, 202);
  });

  app.openapi(routes.list, async (c) => {
    const actor = requireActor(c);
    const q = c.req.valid('query');
    if (q.officeId) await assertCanRead(sql, actor, { officeId: q.officeId }, 'office');
    const after = decodeCursor(q.cursor);
    // Compared in SQL as a time and a uuid: anything else would be a database error, not a bad request.
    if (after && (typeof after.k !== 'string' || Number.isNaN(Date.parse(after.k)) || !UUID.test(after.id))) {
      throw new ApiError('BAD_REQUEST', 'cursor is not one this API gave out', 'cursor');
    }
    // A job whose process died shows as failed here too, as it does when opened.
    await failInterruptedImports(sql, { staleAfterMs: STALE_AFTER_MS });
    // An import job belongs to an office, not a society: scope.ts decides which offices the actor reads.
    const offices = await sql<{ id: string }[]>`
      SELECT o.id FROM offices o WHERE ${scopeFilter(sql, actor, { office: 'o.id', society: null })}
        ${q.officeId ? sql`AND o.id IN (SELECT id FROM office_subtree(${q.officeId}))` : sql``}`;
    const rows = await listJobs(sql, offices.map((o) => o.id), { status: q.status, before: after ? { createdAt: String(after.k), id: after.id } : null, limit: q.limit + 1 });
    return c.json(page(rows.map(summaryOf), q.limit, (r) => ({ k: r.createdAt, id: r.id })), 200);
  });

  app.openapi(routes.get, async (c) => {
    const job = await readableJob(c, c.req.valid('param').id);
    return c.json({ import: viewOf(job) }, 200);
  });

  app.openapi(routes.events, async (c) => {
    const { id } = c.req.valid('param');
    await readableJob(c, id);
    return streamSSE(c, async (stream) => {
      let closed = false;
      stream.onAbort(() => {
        closed = true;
      });
      let last = '';
      let lastWrite = Date.now();
      let seq = 0;
      while (!closed) {
        await failIfInterrupted(sql, id);
        const job = (await getJob(sql, id))!;
        const finished = !RUNNING.includes(job.status);
        const data = JSON.stringify(finished ? viewOf(job) : progressOf(counted(job)));
        if (data !== last || finished) {
          await stream.writeSSE({ event: finished ? job.status : 'progress', data, id: String(++seq) });
          last = data;
          lastWrite = Date.now();
        } else if (Date.now() - lastWrite > KEEPALIVE_MS) {
          await stream.write(': keep-alive\n\n');
          lastWrite = Date.now();
        }
        if (finished) return;
        await stream.sleep(POLL_MS);
      }
    });
  });
}
