import { createRoute, z } from '@hono/zod-openapi';
import { deliverPayment, storePayment } from '../../payments/receive-payment';
import { importStatement, reconcile } from '../../payments/reconcile';
import { requireActor } from '../access/require-actor';
import { assertCanRead, assertCanWrite } from '../access/scope';
import type { App, AppDeps } from '../app-env';
import { ApiError, errorResponses } from '../errors';
import { Id } from '../schemas';

const DateText = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');
const MAX_STATEMENT_BYTES = 10 * 1024 * 1024;

const upload = createRoute({
  method: 'post', path: '/api/reconciliation/statements', summary: "Upload an upazila account's bKash merchant statement or bank statement (CSV)",
  request: {
    body: {
      content: { 'multipart/form-data': { schema: z.object({ file: z.any().openapi({ type: 'string', format: 'binary' }), kind: z.enum(['bkash', 'bank']), officeId: Id }) } },
      required: true,
    },
  },
  responses: { 200: { description: 'stored (or already uploaded)', content: { 'application/json': { schema: z.object({ importId: z.string(), alreadyUploaded: z.boolean(), lines: z.number(), skipped: z.array(z.object({ line: z.number(), reason: z.string() })) }) } } }, ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND') },
});

const view = createRoute({
  method: 'get', path: '/api/reconciliation', summary: 'Recorded payments against the bKash and bank statements, per account and Dhaka day',
  request: { query: z.object({ officeId: Id.optional(), from: DateText, to: DateText }) },
  responses: { 200: { description: 'per-day figures and every missing or mismatched transaction', content: { 'application/json': { schema: z.object({ from: z.string(), to: z.string(), days: z.array(z.unknown()), missingFromRecords: z.array(z.unknown()), missingFromStatement: z.array(z.unknown()), amountMismatches: z.array(z.unknown()) }) } } }, ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'NOT_FOUND') },
});

const recordMissing = createRoute({
  method: 'post', path: '/api/reconciliation/record-missing', summary: 'Record a bKash statement transaction Asrayon never received, and deliver it to its loan',
  request: { body: { content: { 'application/json': { schema: z.object({ officeId: Id, trxId: z.string().min(1).max(64) }) } }, required: true } },
  responses: { 200: { description: 'recorded', content: { 'application/json': { schema: z.object({ paymentId: z.string(), matched: z.boolean(), delivered: z.boolean() }) } } }, ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT') },
});

export function registerReconciliation(app: App, { sql, temporal }: AppDeps): void {
  async function upazilaOf(officeId: string) {
    const [o] = await sql<{ level: string }[]>`SELECT level FROM offices WHERE id = ${officeId}`;
    if (!o) throw new ApiError('NOT_FOUND', `no office ${officeId} here`, 'officeId');
    if (o.level !== 'upazila') throw new ApiError('BAD_REQUEST', 'statements belong to an upazila office account', 'officeId');
  }

  app.openapi(upload, async (c) => {
    const actor = requireActor(c);
    const form = await c.req.parseBody();
    const file = form.file;
    const kind = form.kind;
    const officeId = typeof form.officeId === 'string' ? form.officeId : '';
    if (kind !== 'bkash' && kind !== 'bank') throw new ApiError('BAD_REQUEST', 'kind must be bkash or bank', 'kind');
    if (!(file instanceof File)) throw new ApiError('BAD_REQUEST', 'attach the statement as the form field "file"', 'file');
    if (file.size > MAX_STATEMENT_BYTES) throw new ApiError('BAD_REQUEST', `the statement is larger than ${MAX_STATEMENT_BYTES / 1024 / 1024} MB`, 'file');
    await upazilaOf(officeId);
    await assertCanWrite(sql, actor, 'payment.record', { officeId }, 'office');
    try {
      const result = await importStatement(sql, { officeId, kind, filename: file.name, content: Buffer.from(await file.arrayBuffer()), uploadedBy: actor.id });
      return c.json(result, 200);
    } catch (err) {
      throw new ApiError('BAD_REQUEST', `the statement could not be read: ${(err as Error).message}`, 'file');
    }
  });

  app.openapi(view, async (c) => {
    const actor = requireActor(c);
    const { officeId = actor.officeId, from, to } = c.req.valid('query');
    if (from > to) throw new ApiError('BAD_REQUEST', 'from is after to', 'from');
    await assertCanRead(sql, actor, { officeId }, 'office');
    const upazilas = (await sql<{ id: string }[]>`
      SELECT o.id FROM offices o WHERE o.level = 'upazila' AND o.id IN (SELECT id FROM office_subtree(${officeId}))`).map((r) => r.id);
    return c.json(await reconcile(sql, upazilas, from, to), 200);
  });

  app.openapi(recordMissing, async (c) => {
    const actor = requireActor(c);
    const { officeId, trxId } = c.req.valid('json');
    await assertCanWrite(sql, actor, 'payment.record', { officeId }, 'office');
    const [line] = await sql<{ import_id: string; at: Date; amount_poisha: number; payer: string | null; reference: string | null }[]>`
      SELECT import_id, at, amount_poisha, payer, reference FROM statement_lines WHERE kind = 'bkash' AND office_id = ${officeId} AND trx_id = ${trxId}`;
    if (!line) throw new ApiError('NOT_FOUND', `no bKash statement line ${trxId} for ${officeId}`, 'trxId');
    const stored = await storePayment(sql, {
      trxId, amountPoisha: line.amount_poisha, paidAt: line.at.getTime(), provider: 'bkash', payerMsisdn: line.payer, reference: line.reference,
      officeId, recordedBy: `statement:${line.import_id}:${actor.id}`,
    });
    if (!stored.fresh) throw new ApiError('CONFLICT', `transaction ${trxId} is already recorded`, 'trxId');
    const delivered = stored.loanId ? (await deliverPayment(sql, temporal, stored.paymentId)).delivered : false;
    return c.json({ paymentId: stored.paymentId, matched: stored.loanId !== null, delivered }, 200);
  });
}
