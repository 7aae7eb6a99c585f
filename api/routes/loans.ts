import { createRoute, z } from '@hono/zod-openapi';
import { dhakaInstant } from '../../domain/dhaka-time';
import type { LoanView } from '../../domain/types';
import type { Sql } from '../../db/client';
import type { Actor } from '../access/actor';
import { DisbursementRefused, disburseLoan } from '../../loans/disburse-loan';
import { closeUpdate, loanWorkflowId, payUpdate, viewQuery } from '../../workflows/loan-definitions';
import { requireActor } from '../access/require-actor';
import { assertCanRead, assertCanWrite, scopeFilter } from '../access/scope';
import type { App, AppDeps } from '../app-env';
import { ApiError, errorResponses } from '../errors';
import { decodeCursor, page, parseSort, type SortColumn } from '../pagination';
import { Id, Page, PageQuery, Poisha } from '../schemas';
import { translateTemporalError } from '../temporal-errors';

const STATUSES = ['disbursing', 'active', 'in_grace', 'overdue', 'defaulted', 'blacklisted', 'closed', 'settled', 'written_off', 'cancelled'] as const;
const DateText = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');

const Loan = z
  .object({
    id: z.string(), code: z.string(), borrowerId: z.string(), borrowerName: z.string(), societyId: z.string(), officeId: z.string(),
    productCode: z.string(), principalPoisha: z.number(), totalOwedPoisha: z.number().nullable(), paidPoisha: z.number(),
    status: z.enum(STATUSES), disbursedAt: z.string(), ruleSetVersion: z.string().nullable(),
  })
  .openapi('Loan');
const Installment = z.object({ seq: z.number(), dueDate: z.string(), dueAt: z.string(), amountPoisha: z.number(), paidPoisha: z.number(), status: z.string(), paidAt: z.string().nullable(), lateByMs: z.number().nullable() });
const LoanEvent = z.object({ id: z.number(), kind: z.string(), fromStatus: z.string().nullable(), toStatus: z.string().nullable(), actor: z.string(), ruleKind: z.string().nullable(), ruleName: z.string().nullable(), ruleVersion: z.string().nullable(), facts: z.unknown(), detail: z.unknown(), occurredAt: z.string() });
const LoanParams = z.object({ id: z.string().uuid() });

const LOAN_SORTS: Record<string, SortColumn> = {
  disbursedAt: { expr: 'l.disbursed_at', type: 'timestamptz', key: 'disbursedAt' },
  code: { expr: 'l.code', type: 'text', key: 'code' },
  principalPoisha: { expr: 'l.principal_poisha', type: 'bigint', key: 'principalPoisha' },
  paidPoisha: { expr: 'l.paid_poisha', type: 'bigint', key: 'paidPoisha' },
};

const selectLoan = (sql: AppDeps['sql']) => sql`
  SELECT l.id, l.code, l.borrower_id AS "borrowerId", b.name AS "borrowerName", l.society_id AS "societyId", l.office_id AS "officeId",
    l.product_code AS "productCode", l.principal_poisha AS "principalPoisha", l.total_owed_poisha AS "totalOwedPoisha",
    l.paid_poisha AS "paidPoisha", l.status, to_json(l.disbursed_at)#>>'{}' AS "disbursedAt", l.rule_set_version AS "ruleSetVersion"
  FROM loans l JOIN borrowers b ON b.id = l.borrower_id`;

const routes = {
  list: createRoute({
    method: 'get', path: '/api/loans', summary: 'Loans in my part of the country, newest disbursement first',
    request: { query: PageQuery.extend({ status: z.enum(STATUSES).optional(), officeId: Id.optional(), societyId: Id.optional(), borrowerId: z.string().uuid().optional(), code: z.string().regex(/^[A-Za-z0-9-]{1,20}$/, 'must be a loan code').optional().describe('the loan code printed in every SMS'), from: DateText.optional(), to: DateText.optional(), sort: z.string().max(30).optional().describe('disbursedAt, code, principalPoisha, paidPoisha; "-" in front for descending (default -disbursedAt)') }) },
    responses: { 200: { description: 'loans', content: { 'application/json': { schema: Page(Loan) } } }, ...errorResponses('UNAUTHORIZED', 'BAD_REQUEST') },
  }),
  disburse: createRoute({
    method: 'post', path: '/api/loans', summary: 'Disburse a loan: stores it and starts its workflow',
    request: { body: { content: { 'application/json': { schema: z.object({ borrowerId: z.string().uuid(), productCode: z.string().min(1).max(20), principalPoisha: Poisha, disbursedOn: DateText.optional() }) } }, required: true } },
    responses: { 201: { description: 'disbursed', content: { 'application/json': { schema: z.object({ loan: z.object({ id: z.string(), code: z.string() }) }) } } }, ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT') },
  }),
  get: createRoute({
    method: 'get', path: '/api/loans/{id}', summary: 'A loan with its installments',
    request: { params: LoanParams },
    responses: { 200: { description: 'the loan', content: { 'application/json': { schema: z.object({ loan: Loan, installments: z.array(Installment) }) } } }, ...errorResponses('UNAUTHORIZED', 'NOT_FOUND') },
  }),
  timeline: createRoute({
    method: 'get', path: '/api/loans/{id}/timeline', summary: "The loan's audit trail and its workflow's live state",
    request: { params: LoanParams },
    responses: { 200: { description: 'events and live state', content: { 'application/json': { schema: z.object({ events: z.array(LoanEvent), live: z.unknown().nullable(), firstRunAt: z.string().nullable().describe('when the workflow has not run yet (an imported loan asleep until its next timer): when it will'), workflowId: z.string(), temporalUiUrl: z.string().nullable().describe('the same workflow in the Temporal Web UI, when its address is configured') }) } } }, ...errorResponses('UNAUTHORIZED', 'NOT_FOUND') },
  }),
  pay: createRoute({
    method: 'post', path: '/api/loans/{id}/payments', summary: 'Record a cash or bank receipt; it reaches the loan like any payment',
    request: { params: LoanParams, body: { content: { 'application/json': { schema: z.object({ receiptNo: z.string().regex(/^[A-Za-z0-9._:-]{1,48}$/, 'must be 1–48 letters, digits or . _ : -'), amountPoisha: Poisha, provider: z.enum(['cash', 'bank']), paidOn: DateText.optional(), note: z.string().max(300).optional() }) } }, required: true } },
    responses: { 200: { description: 'how the money was applied', content: { 'application/json': { schema: z.object({ result: z.unknown() }) } } }, ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT', 'UNPROCESSABLE') },
  }),
  close: createRoute({
    method: 'post', path: '/api/loans/{id}/close', summary: 'Write off or cancel a loan, with a reason',
    request: { params: LoanParams, body: { content: { 'application/json': { schema: z.object({ kind: z.enum(['write_off', 'cancel']), reason: z.string().trim().min(5).max(500) }) } }, required: true } },
    responses: { 200: { description: 'closed', content: { 'application/json': { schema: z.object({ status: z.string() }) } } }, ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT', 'UNPROCESSABLE') },
  }),
  blacklist: createRoute({
    method: 'get', path: '/api/blacklist', summary: 'Borrowers blacklisted as defaulters (settled ones on request)',
    request: { query: z.object({ officeId: Id.optional(), includeSettled: z.enum(['true', 'false']).default('false') }) },
    responses: { 200: { description: 'listings', content: { 'application/json': { schema: z.object({ items: z.array(z.object({ borrowerId: z.string(), borrowerName: z.string(), loanId: z.string(), loanCode: z.string(), officeId: z.string(), officeNameBn: z.string(), officeNameEn: z.string(), listedAt: z.string(), ruleName: z.string(), ruleVersion: z.string(), settledAt: z.string().nullable() })) }) } } }, ...errorResponses('UNAUTHORIZED') },
  }),
};

export function registerLoans(app: App, { sql, temporal, taskQueue, links }: AppDeps): void {
  async function loanPlace(id: string) {
    const [l] = await sql<{ office_id: string; society_id: string; status: string; code: string }[]>`SELECT office_id, society_id, status, code FROM loans WHERE id = ${id}`;
    if (!l) throw new ApiError('NOT_FOUND', 'no loan here');
    // A receipt number is unique within a loan; the transaction id carries the loan code so the
    // same number written for two loans by mistake can never be taken for one payment.
    return { officeId: l.office_id, societyId: l.society_id, status: l.status, code: l.code };
  }

  app.openapi(routes.list, async (c) => {
    const actor = requireActor(c);
    const q = c.req.valid('query');
    const after = decodeCursor(q.cursor);
    const { column, desc } = parseSort(q.sort, LOAN_SORTS, '-disbursedAt');
    const cmp = desc ? '<' : '>';
    const rows = await sql<z.infer<typeof Loan>[]>`
      ${selectLoan(sql)}
      WHERE ${scopeFilter(sql, actor, 'l')}
        ${q.status ? sql`AND l.status = ${q.status}` : sql``}
        ${q.officeId ? sql`AND l.office_id IN (SELECT id FROM office_subtree(${q.officeId}))` : sql``}
        ${q.societyId ? sql`AND l.society_id = ${q.societyId}` : sql``}
        ${q.borrowerId ? sql`AND l.borrower_id = ${q.borrowerId}` : sql``}
        ${q.code ? sql`AND l.code = ${q.code.toUpperCase()}` : sql``}
        ${q.from ? sql`AND l.disbursed_at >= ${new Date(dhakaInstant(q.from))}` : sql``}
        ${q.to ? sql`AND l.disbursed_at < ${new Date(dhakaInstant(q.to) + 86_400_000)}` : sql``}
        ${after ? sql`AND (${sql.unsafe(column.expr)}, l.id) ${sql.unsafe(cmp)} (${String(after.k)}::text::${sql.unsafe(column.type)}, ${after.id}::uuid)` : sql``}
      ORDER BY ${sql.unsafe(column.expr)} ${sql.unsafe(desc ? 'DESC' : 'ASC')}, l.id ${sql.unsafe(desc ? 'DESC' : 'ASC')} LIMIT ${q.limit + 1}`;
    return c.json(page(rows, q.limit, (r) => ({ k: r[column.key as keyof typeof r] as string | number, id: r.id })), 200);
  });

  app.openapi(routes.disburse, async (c) => {
    const actor = requireActor(c);
    const body = c.req.valid('json');
    const [b] = await sql<{ office_id: string; society_id: string }[]>`
      SELECT s.office_id, b.society_id FROM borrowers b JOIN societies s ON s.id = b.society_id WHERE b.id = ${body.borrowerId}`;
    if (!b) throw new ApiError('NOT_FOUND', 'no borrower here', 'borrowerId');
    await assertCanWrite(sql, actor, 'loan.disburse', { officeId: b.office_id, societyId: b.society_id }, 'borrower');
    const disbursedAt = body.disbursedOn ? dhakaInstant(body.disbursedOn, '11:00') : Date.now();
    if (disbursedAt > Date.now()) throw new ApiError('BAD_REQUEST', 'disbursedOn is in the future', 'disbursedOn');
    try {
      const loan = await disburseLoan({ sql, temporal, taskQueue }, { borrowerId: body.borrowerId, productCode: body.productCode, principalPoisha: body.principalPoisha, disbursedAt, disbursedBy: actor.id });
      return c.json({ loan: { id: loan.loanId, code: loan.loanCode } }, 201);
    } catch (err) {
      if (err instanceof DisbursementRefused) throw new ApiError('CONFLICT', err.message, err.field);
      throw err;
    }
  });

  app.openapi(routes.get, async (c) => {
    const actor = requireActor(c);
    const { id } = c.req.valid('param');
    const [loan] = await sql<z.infer<typeof Loan>[]>`${selectLoan(sql)} WHERE l.id = ${id}`;
    if (!loan) throw new ApiError('NOT_FOUND', 'no loan here');
    await assertCanRead(sql, actor, { officeId: loan.officeId, societyId: loan.societyId }, 'loan');
    const installments = await sql<z.infer<typeof Installment>[]>`
      SELECT seq, due_date::text AS "dueDate", to_json(due_at)#>>'{}' AS "dueAt", amount_poisha AS "amountPoisha", paid_poisha AS "paidPoisha",
        status, to_json(paid_at)#>>'{}' AS "paidAt", late_by_ms AS "lateByMs"
      FROM installments WHERE loan_id = ${id} ORDER BY seq`;
    return c.json({ loan, installments }, 200);
  });

  app.openapi(routes.timeline, async (c) => {
    const actor = requireActor(c);
    const { id } = c.req.valid('param');
    await assertCanRead(sql, actor, await loanPlace(id), 'loan');
    const events = await sql<z.infer<typeof LoanEvent>[]>`
      SELECT id::int, kind, from_status AS "fromStatus", to_status AS "toStatus", actor, rule_kind AS "ruleKind", rule_name AS "ruleName",
        rule_version AS "ruleVersion", facts, detail, to_json(occurred_at)#>>'{}' AS "occurredAt"
      FROM loan_events WHERE loan_id = ${id} ORDER BY occurred_at, id`;
    const workflowId = loanWorkflowId(id);
    const handle = temporal.workflow.getHandle(workflowId);
    let live: LoanView | null = null;
    let firstRunAt: string | null = null;
    try {
      live = await handle.query(viewQuery);
    } catch {
      // An imported loan's workflow has not run its first task yet (import/start-workflows.ts); else
      // the workflow is gone or unreachable. Either way the events still tell the story.
      firstRunAt = await handle.describe().then(
        (d) => (d.status.name === 'RUNNING' && d.executionTime && d.executionTime.getTime() > Date.now() ? d.executionTime.toISOString() : null),
        () => null,
      );
    }
    const ui = links?.temporalUi?.replace(/\/$/, '');
    const temporalUiUrl = ui ? `${ui}/namespaces/${encodeURIComponent(temporal.options.namespace)}/workflows/${encodeURIComponent(workflowId)}` : null;
    return c.json({ events, live, firstRunAt, workflowId, temporalUiUrl }, 200);
  });

  app.openapi(routes.pay, async (c) => {
    const actor = requireActor(c);
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const place = await loanPlace(id);
    await assertCanWrite(sql, actor, 'payment.record', place, 'loan');
    const paidAt = body.paidOn ? dhakaInstant(body.paidOn, '12:00') : Date.now();
    if (paidAt > Date.now() + 60_000) throw new ApiError('BAD_REQUEST', 'paidOn is in the future', 'paidOn');
    try {
      const result = await temporal.workflow.getHandle(loanWorkflowId(id)).executeUpdate(payUpdate, {
        args: [{ loanId: id, trxId: `${body.provider.toUpperCase()}-${place.code}-${body.receiptNo}`, amountPoisha: body.amountPoisha, paidAt, provider: body.provider, recordedBy: actor.id, reference: body.note }],
      });
      return c.json({ result }, 200);
    } catch (err) {
      translateTemporalError(err, 'payment');
    }
  });

  app.openapi(routes.close, async (c) => {
    const actor = requireActor(c);
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    await assertCanWrite(sql, actor, 'loan.close', await loanPlace(id), 'loan');
    try {
      const view = await temporal.workflow.getHandle(loanWorkflowId(id)).executeUpdate(closeUpdate, { args: [{ kind: body.kind, reason: body.reason, by: actor.id }] });
      return c.json({ status: view.status }, 200);
    } catch (err) {
      translateTemporalError(err, 'closing');
    }
  });

  app.openapi(routes.blacklist, async (c) => {
    const actor = requireActor(c);
    const { officeId, includeSettled } = c.req.valid('query');
    if (officeId) await assertCanRead(sql, actor, { officeId }, 'office');
    const items = await sql<{ borrowerId: string; borrowerName: string; loanId: string; loanCode: string; officeId: string; officeNameBn: string; officeNameEn: string; listedAt: string; ruleName: string; ruleVersion: string; settledAt: string | null }[]>`
      SELECT bl.borrower_id AS "borrowerId", b.name AS "borrowerName", bl.loan_id AS "loanId", l.code AS "loanCode", l.office_id AS "officeId",
        o.name_bn AS "officeNameBn", o.name_en AS "officeNameEn",
        to_json(bl.listed_at)#>>'{}' AS "listedAt", bl.rule_name AS "ruleName", bl.rule_version AS "ruleVersion", to_json(bl.settled_at)#>>'{}' AS "settledAt"
      FROM blacklist bl JOIN loans l ON l.id = bl.loan_id JOIN borrowers b ON b.id = bl.borrower_id JOIN offices o ON o.id = l.office_id
      WHERE ${scopeFilter(sql, actor, 'l')} ${includeSettled === 'true' ? sql`` : sql`AND bl.settled_at IS NULL`}
        ${officeId ? sql`AND l.office_id IN (SELECT id FROM office_subtree(${officeId}))` : sql``}
      ORDER BY bl.listed_at DESC`;
    return c.json({ items }, 200);
  });
}
