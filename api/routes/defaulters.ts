// The defaulter list: defaulted and blacklisted loans in the actor's part of the country (or an
// office below it), biggest unpaid amount first, a page at a time, with the count and the unpaid
// total of the whole list. Now, or as of a past moment.
import { createRoute, z } from '@hono/zod-openapi';
import type { SqlFragment as Fragment, Sql } from '../../db/client';
import { requireActor } from '../access/require-actor';
import { assertCanRead, scopeFilter } from '../access/scope';
import type { App, AppDeps } from '../app-env';
import { errorResponses } from '../errors';
import { decodeCursor, page, type Cursor } from '../pagination';
import { Id, PageQuery } from '../schemas';

const Defaulter = z.object({
  loanId: z.string(), code: z.string(), borrowerName: z.string(), officeId: z.string(), officeNameBn: z.string(), officeNameEn: z.string(),
  societyId: z.string(), societyNameBn: z.string(), societyNameEn: z.string(), status: z.string(),
  unpaidDuePoisha: z.number().describe('unpaid of the installments due by asOf'),
  outstandingPoisha: z.number().describe('what is left of the whole loan at asOf'),
});
export type DefaulterItem = z.infer<typeof Defaulter>;

export const DefaultersPage = z
  .object({
    asOf: z.string(),
    items: z.array(Defaulter),
    nextCursor: z.string().nullable(),
    total: z.number().int().describe('loans in the whole list, every page'),
    totalUnpaidDuePoisha: z.number().int().describe('unpaid due of the whole list, every page'),
  })
  .openapi('DefaultersPage');

const route = createRoute({
  method: 'get', path: '/api/defaulters',
  summary: 'Defaulted and blacklisted loans with unpaid amounts, now or as of a past moment; biggest unpaid first, paged',
  request: { query: PageQuery.extend({ officeId: Id.optional(), asOf: z.string().datetime({ offset: true }).optional() }) },
  responses: { 200: { description: 'a page of defaulters and the totals of the whole list', content: { 'application/json': { schema: DefaultersPage } } }, ...errorResponses('UNAUTHORIZED', 'BAD_REQUEST', 'NOT_FOUND') },
});

export function registerDefaulters(app: App, { sql }: AppDeps): void {
  app.openapi(route, async (c) => {
    const actor = requireActor(c);
    const { officeId, asOf, limit, cursor } = c.req.valid('query');
    if (officeId) await assertCanRead(sql, actor, { officeId }, 'office');
    const at = asOf ? new Date(asOf) : new Date();
    const where = sql`${scopeFilter(sql, actor, 'l')} ${officeId ? sql`AND l.office_id IN (SELECT id FROM office_subtree(${officeId}))` : sql``}`;
    const list = asOf ? defaultersAsOf(sql, where, at) : defaultersNow(sql, where, at);
    const { rows, total, totalUnpaidDuePoisha } = await onePage(sql, list, limit, decodeCursor(cursor));
    return c.json({ asOf: at.toISOString(), ...page(rows, limit, (r) => ({ k: r.unpaidDuePoisha, id: r.code })), total, totalUnpaidDuePoisha }, 200);
  });
}

/**
 * Now: the loans whose status (kept on the loan by its workflow) is defaulted or blacklisted. What
 * is unpaid of the installments due by now is the loan's own figure while it holds (0018_loan_arrears.sql:
 * until its next deadline), else summed from the installments. Columns: id, code, borrower_id,
 * office_id, society_id, status, unpaid, and outstanding (null: summed for the page only).
 */
function defaultersNow(sql: Sql, where: Fragment, at: Date): Fragment {
  return sql`
    SELECT l.id, l.code, l.borrower_id, l.office_id, l.society_id, l.status, l.total_owed_poisha,
      CASE WHEN l.arrears_at <= ${at} AND l.arrears_until > ${at} THEN l.arrears_poisha
        ELSE (SELECT coalesce(sum(i.amount_poisha - i.paid_poisha) FILTER (WHERE i.due_at <= ${at}), 0) FROM installments i WHERE i.loan_id = l.id)
      END AS unpaid,
      NULL::bigint AS outstanding
    FROM loans l
    WHERE l.status IN ('defaulted', 'blacklisted') AND ${where}`;
}

/**
 * As of a past moment: each loan's status then comes from the audit trail (its latest status event
 * up to that moment); unpaid = installments due by then minus what had been paid towards them by then.
 */
export function defaultersAsOf(sql: Sql, where: Fragment, at: Date): Fragment {
  return sql`
    SELECT l.id, l.code, l.borrower_id, l.office_id, l.society_id, st.to_status AS status, l.total_owed_poisha,
      due.total - coalesce(paid.due_part, 0) AS unpaid,
      l.total_owed_poisha - coalesce(paid.total, 0) AS outstanding
    FROM loans l
    CROSS JOIN LATERAL (
      SELECT e.to_status FROM loan_events e
      WHERE e.loan_id = l.id AND e.to_status IS NOT NULL AND e.occurred_at <= ${at}
      ORDER BY e.occurred_at DESC, e.id DESC LIMIT 1) st
    CROSS JOIN LATERAL (SELECT coalesce(sum(i.amount_poisha), 0) AS total FROM installments i WHERE i.loan_id = l.id AND i.due_at <= ${at}) due
    LEFT JOIN LATERAL (
      SELECT sum(pa.amount_poisha) AS total, sum(pa.amount_poisha) FILTER (WHERE i.due_at <= ${at}) AS due_part
      FROM payment_allocations pa JOIN payments p ON p.id = pa.payment_id
      JOIN installments i ON i.loan_id = pa.loan_id AND i.seq = pa.installment_seq
      WHERE pa.loan_id = l.id AND p.paid_at <= ${at}) paid ON true
    WHERE st.to_status IN ('defaulted', 'blacklisted') AND l.disbursed_at <= ${at} AND ${where}`;
}

/** The whole list's count and unpaid total, and the page after `after` (one row more than `limit`, to know if another follows). */
async function onePage(sql: Sql, list: Fragment, limit: number, after: Cursor | null) {
  const rows = await sql<(DefaulterItem & { total: number; totalUnpaid: number })[]>`
    WITH d AS MATERIALIZED (${list}),
    whole AS (SELECT count(*)::int AS total, coalesce(sum(unpaid), 0)::bigint AS total_unpaid FROM d),
    pg AS (
      SELECT * FROM d
      ${after ? sql`WHERE (d.unpaid < ${Number(after.k)} OR (d.unpaid = ${Number(after.k)} AND d.code > ${after.id}))` : sql``}
      ORDER BY d.unpaid DESC, d.code LIMIT ${limit + 1})
    SELECT pg.id AS "loanId", pg.code, b.name AS "borrowerName", pg.office_id AS "officeId", o.name_bn AS "officeNameBn", o.name_en AS "officeNameEn",
      pg.society_id AS "societyId", s.name_bn AS "societyNameBn", s.name_en AS "societyNameEn", pg.status,
      pg.unpaid::bigint AS "unpaidDuePoisha",
      coalesce(pg.outstanding, pg.total_owed_poisha - (SELECT coalesce(sum(i.paid_poisha), 0) FROM installments i WHERE i.loan_id = pg.id))::bigint AS "outstandingPoisha",
      whole.total, whole.total_unpaid AS "totalUnpaid"
    FROM whole LEFT JOIN pg ON true
      LEFT JOIN borrowers b ON b.id = pg.borrower_id LEFT JOIN offices o ON o.id = pg.office_id LEFT JOIN societies s ON s.id = pg.society_id
    ORDER BY pg.unpaid DESC, pg.code`;
  const [first] = rows;
  const items = rows.filter((r) => r.loanId !== null).map(({ total: _t, totalUnpaid: _u, ...item }) => item);
  return { rows: items, total: first?.total ?? 0, totalUnpaidDuePoisha: first?.totalUnpaid ?? 0 };
}
