import { createRoute, z } from '@hono/zod-openapi';
import { dhakaInstant } from '../../domain/dhaka-time';
import { requireActor } from '../access/require-actor';
import { assertCanRead, assertCanWrite, scopeFilter } from '../access/scope';
import { assignPayment, deliverPayment } from '../../payments/receive-payment';
import type { App, AppDeps } from '../app-env';
import { ApiError, errorResponses } from '../errors';
import { decodeCursor, page } from '../pagination';
import { Id, Page, PageQuery } from '../schemas';

const DateText = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');

const Payment = z
  .object({
    id: z.string(), trxId: z.string(), provider: z.string(), loanId: z.string().nullable(), loanCode: z.string().nullable(),
    borrowerName: z.string().nullable(), officeId: z.string().nullable(), amountPoisha: z.number(), paidAt: z.string(),
    status: z.string(), late: z.boolean().nullable(), excessPoisha: z.number(), recordedBy: z.string(),
  })
  .openapi('Payment');

const Installment = z
  .object({
    loanId: z.string(), loanCode: z.string(), borrowerName: z.string(), officeId: z.string(), societyId: z.string(), seq: z.number(),
    dueDate: z.string(), amountPoisha: z.number(), paidPoisha: z.number(), status: z.string(),
  })
  .openapi('InstallmentDue');

const listPayments = createRoute({
  method: 'get', path: '/api/payments', summary: 'Payments received in my part of the country, newest first',
  request: { query: PageQuery.extend({ officeId: Id.optional(), loanId: z.string().uuid().optional(), provider: z.enum(['bkash', 'cash', 'bank']).optional(), status: z.enum(['received', 'applied', 'held', 'refunded']).optional(), from: DateText.optional(), to: DateText.optional() }) },
  responses: { 200: { description: 'payments', content: { 'application/json': { schema: Page(Payment) } } }, ...errorResponses('UNAUTHORIZED', 'BAD_REQUEST', 'NOT_FOUND') },
});

const listInstallments = createRoute({
  method: 'get', path: '/api/installments', summary: 'Installments falling due in a period (Dhaka dates, inclusive)',
  request: { query: PageQuery.extend({ officeId: Id.optional(), from: DateText, to: DateText, status: z.enum(['pending', 'in_grace', 'overdue', 'paid']).optional() }) },
  responses: { 200: { description: 'installments by due date', content: { 'application/json': { schema: Page(Installment) } } }, ...errorResponses('UNAUTHORIZED', 'BAD_REQUEST', 'NOT_FOUND') },
});

const Unmatched = z
  .object({ id: z.string(), trxId: z.string(), provider: z.string(), officeId: z.string().nullable(), amountPoisha: z.number(), paidAt: z.string(), payerMsisdn: z.string().nullable(), reference: z.string().nullable(), deliveryError: z.string().nullable() })
  .openapi('UnmatchedPayment');

const listUnmatched = createRoute({
  method: 'get', path: '/api/payments/unmatched', summary: 'Money received that no loan could be matched to, for an officer to assign',
  responses: { 200: { description: 'unmatched payments, oldest first', content: { 'application/json': { schema: z.object({ items: z.array(Unmatched) }) } } }, ...errorResponses('UNAUTHORIZED') },
});

const assign = createRoute({
  method: 'post', path: '/api/payments/{id}/assign', summary: 'Give an unmatched payment to a loan of the same upazila; recorded, then delivered',
  request: { params: z.object({ id: z.string().uuid() }), body: { content: { 'application/json': { schema: z.object({ loanId: z.string().uuid() }) } }, required: true } },
  responses: { 200: { description: 'assigned and delivered (or queued for delivery)', content: { 'application/json': { schema: z.object({ delivered: z.boolean(), reason: z.string().optional() }) } } }, ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT') },
});

export function registerPayments(app: App, { sql, temporal }: AppDeps): void {
  app.openapi(listUnmatched, async (c) => {
    const actor = requireActor(c);
    const items = await sql<z.infer<typeof Unmatched>[]>`
      SELECT p.id, p.trx_id AS "trxId", p.provider, p.office_id AS "officeId", p.amount_poisha AS "amountPoisha", to_json(p.paid_at)#>>'{}' AS "paidAt",
        p.payer_msisdn AS "payerMsisdn", p.reference, p.delivery_error AS "deliveryError"
      FROM payments p
      WHERE p.status = 'received' AND p.loan_id IS NULL
        AND ${actor.role === 'society_rep' ? sql`false` : sql`p.office_id IN (SELECT id FROM office_subtree(${actor.officeId}))`}
      ORDER BY p.received_at`;
    return c.json({ items }, 200);
  });

  app.openapi(assign, async (c) => {
    const actor = requireActor(c);
    const { id } = c.req.valid('param');
    const { loanId } = c.req.valid('json');
    const [p] = await sql<{ office_id: string | null; loan_id: string | null; status: string }[]>`SELECT office_id, loan_id, status FROM payments WHERE id = ${id}`;
    if (!p || !p.office_id) throw new ApiError('NOT_FOUND', 'no unmatched payment here');
    await assertCanWrite(sql, actor, 'payment.record', { officeId: p.office_id }, 'payment');
    if (p.loan_id || p.status !== 'received') throw new ApiError('CONFLICT', 'this payment is already matched to a loan');
    const [loan] = await sql<{ office_id: string; status: string }[]>`SELECT office_id, status FROM loans WHERE id = ${loanId}`;
    if (!loan || loan.office_id !== p.office_id) throw new ApiError('BAD_REQUEST', 'the loan must belong to the upazila whose account received the money', 'loanId');
    if (!(await assignPayment(sql, id, loanId, actor.id))) throw new ApiError('CONFLICT', 'this payment was matched meanwhile');
    const d = await deliverPayment(sql, temporal, id);
    return c.json(d.delivered ? { delivered: true } : { delivered: false, reason: d.reason }, 200);
  });

  app.openapi(listPayments, async (c) => {
    const actor = requireActor(c);
    const q = c.req.valid('query');
    if (q.officeId) await assertCanRead(sql, actor, { officeId: q.officeId }, 'office');
    const after = decodeCursor(q.cursor);
    const rows = await sql<z.infer<typeof Payment>[]>`
      SELECT p.id, p.trx_id AS "trxId", p.provider, p.loan_id AS "loanId", l.code AS "loanCode", b.name AS "borrowerName", l.office_id AS "officeId",
        p.amount_poisha AS "amountPoisha", to_json(p.paid_at)#>>'{}' AS "paidAt", p.status, p.late, p.excess_poisha AS "excessPoisha", p.recorded_by AS "recordedBy"
      FROM payments p JOIN loans l ON l.id = p.loan_id JOIN borrowers b ON b.id = l.borrower_id
      WHERE ${scopeFilter(sql, actor, 'l')}
        ${q.officeId ? sql`AND l.office_id IN (SELECT id FROM office_subtree(${q.officeId}))` : sql``}
        ${q.loanId ? sql`AND p.loan_id = ${q.loanId}` : sql``}
        ${q.provider ? sql`AND p.provider = ${q.provider}` : sql``}
        ${q.status ? sql`AND p.status = ${q.status}` : sql``}
        ${q.from ? sql`AND p.paid_at >= ${new Date(dhakaInstant(q.from))}` : sql``}
        ${q.to ? sql`AND p.paid_at < ${new Date(dhakaInstant(q.to) + 86_400_000)}` : sql``}
        ${after ? sql`AND (p.paid_at, p.id) < (${String(after.k)}::text::timestamptz, ${after.id}::uuid)` : sql``}
      ORDER BY p.paid_at DESC, p.id DESC LIMIT ${q.limit + 1}`;
    return c.json(page(rows, q.limit, (r) => ({ k: r.paidAt, id: r.id })), 200);
  });

  app.openapi(listInstallments, async (c) => {
    const actor = requireActor(c);
    const q = c.req.valid('query');
    if (q.officeId) await assertCanRead(sql, actor, { officeId: q.officeId }, 'office');
    const after = decodeCursor(q.cursor);
    const rows = await sql<(z.infer<typeof Installment> & { key: string })[]>`
      SELECT i.loan_id AS "loanId", l.code AS "loanCode", b.name AS "borrowerName", l.office_id AS "officeId", l.society_id AS "societyId",
        i.seq, i.due_date::text AS "dueDate", i.amount_poisha AS "amountPoisha", i.paid_poisha AS "paidPoisha", i.status,
        i.due_date::text || '|' || i.loan_id || '|' || lpad(i.seq::text, 4, '0') AS key
      FROM installments i JOIN loans l ON l.id = i.loan_id JOIN borrowers b ON b.id = l.borrower_id
      WHERE i.due_date BETWEEN ${q.from}::date AND ${q.to}::date AND ${scopeFilter(sql, actor, 'l')}
        ${q.officeId ? sql`AND l.office_id IN (SELECT id FROM office_subtree(${q.officeId}))` : sql``}
        ${q.status ? sql`AND i.status = ${q.status}` : sql``}
        ${after ? sql`AND i.due_date::text || '|' || i.loan_id || '|' || lpad(i.seq::text, 4, '0') > ${String(after.k)}` : sql``}
      ORDER BY key LIMIT ${q.limit + 1}`;
    const result = page(rows, q.limit, (r) => ({ k: r.key, id: r.loanId }));
    return c.json({ items: result.items.map(({ key: _key, ...rest }) => rest), nextCursor: result.nextCursor }, 200);
  });
}
