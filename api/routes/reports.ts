// "No manual arithmetic" reports: what an office disbursed, what fell due, what was collected and
// what is overdue in a period, per child office (or, for an upazila, per society), plus the list of
// installments falling due. Every sum is done in SQL over integer poisha; the totals row is summed
// from the children's rows in the same statement, so totals always equal the sum of the children.
import { createRoute, z } from '@hono/zod-openapi';
import { addDays, addMonths, dhakaInstant, parseDhakaDate, toDhakaDate } from '../../domain/dhaka-time';
import type { Sql } from '../../db/client';
import type { Actor } from '../access/actor';
import { requireActor } from '../access/require-actor';
import { assertCanRead, scopeFilter } from '../access/scope';
import type { App, AppDeps } from '../app-env';
import { ApiError, errorResponses } from '../errors';
import { Id } from '../schemas';
import { dayFigureRows, fromDayFigures, fromHistory } from './report-sources';

export const LOAN_STATUSES = ['disbursing', 'active', 'in_grace', 'overdue', 'defaulted', 'blacklisted', 'closed', 'settled', 'written_off', 'cancelled'] as const;
const DAY_MS = 86_400_000;
const DateText = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');

export const PeriodQuery = z.object({ officeId: Id.optional(), from: DateText.optional(), to: DateText.optional() });

export const OfficeRef = z
  .object({ id: z.string(), level: z.enum(['hq', 'division', 'district', 'upazila', 'society']), nameBn: z.string(), nameEn: z.string() })
  .openapi('ReportOffice');
const Period = z.object({ from: z.string(), to: z.string() });

export const Figures = z
  .object({
    loansDisbursed: z.number().int(),
    amountDisbursedPoisha: z.number().int(),
    duePoisha: z.number().int().describe('installment amounts falling due in the period'),
    collectedPoisha: z.number().int().describe('payment allocations whose payment was made in the period'),
    collectedOfDuePoisha: z.number().int().describe('of the installments due in the period, the part paid by its end'),
    overduePoisha: z.number().int().describe('installments due by the end of the period (or now, if earlier) and unpaid then; written-off and cancelled loans excluded'),
    collectionRateBps: z.number().int().nullable().describe('collectedOfDue / due in basis points, rounded half up; null when nothing was due'),
    loansByStatus: z.record(z.string(), z.number().int()).describe('loans disbursed by the end of the period, by their status then'),
  })
  .openapi('CollectionFigures');

export const CollectionReport = z
  .object({
    office: OfficeRef,
    period: Period,
    asOf: z.string().describe('the moment "as of the end" means: the end of the period, or now if the period has not ended'),
    totals: Figures,
    children: z.array(z.object({ office: OfficeRef, figures: Figures })),
  })
  .openapi('CollectionReport');

export const DueInstallment = z.object({
  loanId: z.string(), loanCode: z.string(), borrowerId: z.string(), borrowerName: z.string(), officeId: z.string(),
  societyId: z.string(), societyNameBn: z.string(), societyNameEn: z.string(), seq: z.number().int(), dueDate: z.string(),
  amountPoisha: z.number().int(), paidPoisha: z.number().int(), status: z.string(),
});
export const InstallmentsDueReport = z
  .object({
    office: OfficeRef,
    period: Period,
    items: z.array(DueInstallment),
    totals: z.object({ installments: z.number().int(), amountPoisha: z.number().int(), paidPoisha: z.number().int() }),
  })
  .openapi('InstallmentsDueReport');

export type CollectionReportBody = z.infer<typeof CollectionReport>;
export type InstallmentsDueBody = z.infer<typeof InstallmentsDueReport>;
type OfficeRefBody = z.infer<typeof OfficeRef>;
type FiguresBody = z.infer<typeof Figures>;

export interface ResolvedPeriod {
  from: string;
  to: string;
  /** First instant of `from`, Asia/Dhaka. */
  start: Date;
  /** First instant after `to`, Asia/Dhaka (exclusive end). */
  end: Date;
}

/** Inclusive Dhaka calendar days; a missing end defaults to the current Dhaka month's. */
export function resolvePeriod(q: { from?: string; to?: string }, now = Date.now()): ResolvedPeriod {
  const monthStart = `${toDhakaDate(now).slice(0, 8)}01`;
  const from = checkedDate(q.from ?? monthStart, 'from');
  const to = checkedDate(q.to ?? addDays(addMonths(monthStart, 1), -1), 'to');
  if (from > to) throw new ApiError('BAD_REQUEST', 'from must not be after to', 'from');
  return { from, to, start: new Date(dhakaInstant(from)), end: new Date(dhakaInstant(to) + DAY_MS) };
}

function checkedDate(text: string, field: string): string {
  try {
    return parseDhakaDate(text);
  } catch {
    throw new ApiError('BAD_REQUEST', `${field}: "${text}" is not a calendar date`, field);
  }
}

/** The office a report is about: the one asked for (if the actor may read it) or the actor's own. */
export async function reportOffice(sql: Sql, actor: Actor, officeId: string | undefined): Promise<OfficeRefBody> {
  const id = officeId ?? actor.officeId;
  await assertCanRead(sql, actor, { officeId: id }, 'office');
  const [office] = await sql<OfficeRefBody[]>`SELECT id, level, name_bn AS "nameBn", name_en AS "nameEn" FROM offices WHERE id = ${id}`;
  if (!office) throw new ApiError('NOT_FOUND', 'no office here');
  return office;
}

interface FigureRow {
  child: string | null;
  level: OfficeRefBody['level'] | null;
  name_bn: string | null;
  name_en: string | null;
  loans_disbursed: number;
  amount_disbursed: number;
  due: number;
  collected: number;
  collected_of_due: number;
  overdue: number;
  rate_bps: number | null;
  by_status: Record<string, number>;
}

function figures(r: FigureRow): FiguresBody {
  const loansByStatus: Record<string, number> = Object.fromEntries(LOAN_STATUSES.map((s) => [s, 0]));
  for (const [status, n] of Object.entries(r.by_status)) loansByStatus[status] = Number(n);
  return {
    loansDisbursed: r.loans_disbursed,
    amountDisbursedPoisha: r.amount_disbursed,
    duePoisha: r.due,
    collectedPoisha: r.collected,
    collectedOfDuePoisha: r.collected_of_due,
    overduePoisha: r.overdue,
    collectionRateBps: r.rate_bps,
    loansByStatus,
  };
}

/**
 * One statement: every loan in scope is tagged with the child (office below `office`, or society of
 * an upazila) it rolls up to; figures are summed per child; the totals row is the sum of those
 * child rows. A society representative's only child is their own society.
 *
 * The money comes from the day figures (report-sources.ts: per office, society and Dhaka day, kept
 * by the transactions that write installments and allocations), corrected by what happened after
 * the cutoff; statuses are the loans' own unless they changed since. `source: 'history'` replays
 * the audit trail and re-sums every allocation instead: the definition, which a test holds the
 * figures to for open and ended periods.
 */
export async function collectionReport(sql: Sql, actor: Actor, office: OfficeRefBody, period: ResolvedPeriod, now = Date.now(), source: 'auto' | 'history' = 'auto'): Promise<CollectionReportBody> {
  const { end } = period;
  const cutoff = new Date(Math.min(end.getTime(), now));
  const repSociety = actor.role === 'society_rep' ? actor.societyId : null;
  const bySociety = office.level === 'upazila' || repSociety !== null;
  const kids = repSociety
    ? sql`SELECT s.id, 'society'::text AS level, s.name_bn, s.name_en FROM societies s WHERE s.id = ${repSociety}`
    : bySociety
      ? sql`SELECT s.id, 'society'::text AS level, s.name_bn, s.name_en FROM societies s WHERE s.office_id = ${office.id}`
      : sql`SELECT o.id, o.level, o.name_bn, o.name_en FROM offices o WHERE o.parent_id = ${office.id}`;
  const under = bySociety
    ? sql``
    : sql`, under(id, child) AS (SELECT id, id FROM kids UNION ALL SELECT o.id, u.child FROM offices o JOIN under u ON o.parent_id = u.id)`;
  const ln = sql`
    SELECT l.id, ${bySociety ? sql`k.id` : sql`u.child`} AS child, l.principal_poisha, l.disbursed_at, l.status
    FROM loans l ${bySociety ? sql`JOIN kids k ON k.id = l.society_id` : sql`JOIN under u ON u.id = l.office_id`}
    WHERE ${scopeFilter(sql, actor, 'l')} AND l.disbursed_at < ${cutoff}
      ${office.level === 'upazila' ? sql`AND l.office_id = ${office.id}` : sql``}`;
  // The day figures in scope (folded and not yet folded), each tagged with its child.
  const days = sql`
    SELECT ${bySociety ? sql`k.id` : sql`u.child`} AS child, f.day, f.due_poisha, f.due_paid_poisha, f.collected_poisha
    FROM (${dayFigureRows(sql)}) f
      ${bySociety ? sql`JOIN kids k ON k.id = f.society_id` : sql`JOIN under u ON u.id = f.office_id`}
    WHERE ${scopeFilter(sql, actor, 'f')} AND f.day <= ${period.to}::date
      ${office.level === 'upazila' ? sql`AND f.office_id = ${office.id}` : sql``}`;
  const perChild = (source === 'history' ? fromHistory : fromDayFigures)({ sql, period, cutoff, ln, days });
  const rows = await sql<FigureRow[]>`
    WITH RECURSIVE kids AS (${kids}) ${under},
    ${perChild}
    fig AS (
      SELECT k.id AS child, k.level, k.name_bn, k.name_en,
        coalesce(dis.n, 0)::bigint AS loans_disbursed, coalesce(dis.amount, 0)::bigint AS amount_disbursed,
        coalesce(ins.due, 0)::bigint AS due, coalesce(col.amount, 0)::bigint AS collected,
        coalesce(ins.of_due, 0)::bigint AS collected_of_due, coalesce(ins.overdue, 0)::bigint AS overdue,
        coalesce(stj.by_status, '{}'::jsonb) AS by_status
      FROM kids k LEFT JOIN dis ON dis.child = k.id LEFT JOIN ins ON ins.child = k.id
        LEFT JOIN col ON col.child = k.id LEFT JOIN stj ON stj.child = k.id),
    rollup AS (
      SELECT child, level, name_bn, name_en, loans_disbursed, amount_disbursed, due, collected, collected_of_due, overdue, by_status, false AS total
      FROM fig
      UNION ALL
      SELECT NULL, NULL, NULL, NULL,
        coalesce(sum(loans_disbursed), 0)::bigint, coalesce(sum(amount_disbursed), 0)::bigint, coalesce(sum(due), 0)::bigint,
        coalesce(sum(collected), 0)::bigint, coalesce(sum(collected_of_due), 0)::bigint, coalesce(sum(overdue), 0)::bigint,
        coalesce((SELECT jsonb_object_agg(key, n) FROM (
          SELECT s.key, sum(s.value::bigint) AS n FROM fig f CROSS JOIN LATERAL jsonb_each_text(f.by_status) s GROUP BY s.key) t), '{}'::jsonb),
        true
      FROM fig)
    SELECT child, level, name_bn, name_en, loans_disbursed, amount_disbursed, due, collected, collected_of_due, overdue, by_status,
      CASE WHEN due = 0 THEN NULL ELSE div(collected_of_due::numeric * 20000 + due, due::numeric * 2)::int END AS rate_bps
    FROM rollup ORDER BY total, name_en, child`;
  const totalsRow = rows.find((r) => r.child === null)!;
  return {
    office,
    period: { from: period.from, to: period.to },
    asOf: cutoff.toISOString(),
    totals: figures(totalsRow),
    children: rows
      .filter((r) => r.child !== null)
      .map((r) => ({ office: { id: r.child!, level: r.level!, nameBn: r.name_bn!, nameEn: r.name_en! }, figures: figures(r) })),
  };
}

/** Installments falling due in the period, with what has been paid towards them so far. */
export async function installmentsDue(sql: Sql, actor: Actor, office: OfficeRefBody, period: ResolvedPeriod): Promise<InstallmentsDueBody> {
  const where = () => sql`
    WHERE i.due_at >= ${period.start} AND i.due_at < ${period.end} AND ${scopeFilter(sql, actor, 'l')}
      AND l.office_id IN (SELECT id FROM office_subtree(${office.id}))`;
  const items = await sql<z.infer<typeof DueInstallment>[]>`
    SELECT l.id AS "loanId", l.code AS "loanCode", b.id AS "borrowerId", b.name AS "borrowerName", l.office_id AS "officeId",
      l.society_id AS "societyId", s.name_bn AS "societyNameBn", s.name_en AS "societyNameEn", i.seq, i.due_date::text AS "dueDate",
      i.amount_poisha AS "amountPoisha", i.paid_poisha AS "paidPoisha", i.status
    FROM installments i JOIN loans l ON l.id = i.loan_id JOIN borrowers b ON b.id = l.borrower_id JOIN societies s ON s.id = l.society_id
    ${where()}
    ORDER BY l.office_id, l.society_id, i.due_date, b.name, l.code, i.seq`;
  const [totals] = await sql<InstallmentsDueBody['totals'][]>`
    SELECT count(*)::int AS installments, coalesce(sum(i.amount_poisha), 0)::bigint AS "amountPoisha", coalesce(sum(i.paid_poisha), 0)::bigint AS "paidPoisha"
    FROM installments i JOIN loans l ON l.id = i.loan_id
    ${where()}`;
  return { office, period: { from: period.from, to: period.to }, items, totals: totals! };
}

const routes = {
  collection: createRoute({
    method: 'get', path: '/api/reports/collection',
    summary: 'Disbursed, due, collected and overdue in a period (Dhaka days, inclusive; default this month), per child office or society',
    request: { query: PeriodQuery },
    responses: { 200: { description: 'the report; totals are the sum of the children', content: { 'application/json': { schema: CollectionReport } } }, ...errorResponses('UNAUTHORIZED', 'BAD_REQUEST', 'NOT_FOUND') },
  }),
  installmentsDue: createRoute({
    method: 'get', path: '/api/reports/installments-due',
    summary: 'Installments falling due in a period (Dhaka days, inclusive; default this month), with borrower, society and what is paid',
    request: { query: PeriodQuery },
    responses: { 200: { description: 'installments and their sums', content: { 'application/json': { schema: InstallmentsDueReport } } }, ...errorResponses('UNAUTHORIZED', 'BAD_REQUEST', 'NOT_FOUND') },
  }),
};

export function registerReports(app: App, { sql }: AppDeps): void {
  app.openapi(routes.collection, async (c) => {
    const actor = requireActor(c);
    const q = c.req.valid('query');
    const period = resolvePeriod(q);
    const office = await reportOffice(sql, actor, q.officeId);
    return c.json(await collectionReport(sql, actor, office, period), 200);
  });

  app.openapi(routes.installmentsDue, async (c) => {
    const actor = requireActor(c);
    const q = c.req.valid('query');
    const period = resolvePeriod(q);
    const office = await reportOffice(sql, actor, q.officeId);
    return c.json(await installmentsDue(sql, actor, office, period), 200);
  });
}
