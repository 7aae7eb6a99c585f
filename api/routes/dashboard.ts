// The dashboard in one round trip: this month's collection figures for an office (the collection
// report's own numbers, so the dashboard and the offices tree never disagree), the loans in grace and
// overdue now, the loans that defaulted for the first time this month, and twelve months of due vs
// collected (from the report's day figures). Every sum is done in SQL over integer poisha,
// restricted by the actor's scope.
import { createRoute, z } from '@hono/zod-openapi';
import { addDays, addMonths, dhakaInstant, toDhakaDate } from '../../domain/dhaka-time';
import type { Sql } from '../../db/client';
import type { Actor } from '../access/actor';
import { requireActor } from '../access/require-actor';
import { scopeFilter } from '../access/scope';
import type { App, AppDeps } from '../app-env';
import { errorResponses } from '../errors';
import { Id } from '../schemas';
import { dayFigureRows } from './report-sources';
import { CollectionReport, collectionReport, reportOffice, resolvePeriod } from './reports';

const MONTHS = 12;

const MonthFigures = z.object({
  month: z.string().describe('YYYY-MM, Dhaka calendar'),
  from: z.string(),
  to: z.string(),
  duePoisha: z.number().int().describe('installments falling due in the month'),
  collectedPoisha: z.number().int().describe('payment allocations whose payment was made in the month'),
});

export const Dashboard = CollectionReport.extend({
  loansInGrace: z.number().int().describe('loans in their grace period now'),
  loansOverdue: z.number().int().describe('loans overdue now'),
  loansInArrears: z.number().int().describe('loans (not written off or cancelled) with an installment past due and unpaid now, whatever their status'),
  newDefaulters: z.number().int().describe('loans that became defaulted or blacklisted for the first time this month'),
  series: z.array(MonthFigures).describe('the last twelve months, oldest first; the last is this month'),
}).openapi('Dashboard');

export type DashboardBody = z.infer<typeof Dashboard>;

/** The last `MONTHS` Dhaka calendar months ending with the one holding `now`. */
export function lastMonths(now: number): { month: string; from: string; to: string }[] {
  const thisMonth = `${toDhakaDate(now).slice(0, 8)}01`;
  return Array.from({ length: MONTHS }, (_, i) => {
    const from = addMonths(thisMonth, i - MONTHS + 1);
    return { month: from.slice(0, 7), from, to: addDays(addMonths(from, 1), -1) };
  });
}

export async function dashboardExtras(sql: Sql, actor: Actor, officeId: string, now: number) {
  const months = lastMonths(now);
  const monthStart = new Date(dhakaInstant(months[MONTHS - 1]!.from));
  const cutoff = new Date(now);
  const [row] = await sql<{ in_grace: number; overdue: number; arrears: number; new_defaulters: number; due: Record<string, number> | null; collected: Record<string, number> | null }[]>`
    WITH ln AS (
      SELECT l.id, l.status FROM loans l
      WHERE ${scopeFilter(sql, actor, 'l')} AND l.office_id IN (SELECT id FROM office_subtree(${officeId})) AND l.disbursed_at < ${cutoff}),
    -- Twelve months of due and collected from the collection report's day figures (0017).
    months AS (
      SELECT date_trunc('month', f.day) AS month, sum(f.due_poisha)::bigint AS due, sum(f.collected_poisha)::bigint AS collected
      FROM (${dayFigureRows(sql)}) f
      WHERE ${scopeFilter(sql, actor, 'f')} AND f.office_id IN (SELECT id FROM office_subtree(${officeId}))
        AND f.day >= ${months[0]!.from}::date AND f.day <= ${months[MONTHS - 1]!.to}::date
      GROUP BY 1),
    fresh AS (
      SELECT e.loan_id FROM ln JOIN loan_events e ON e.loan_id = ln.id
      WHERE e.to_status IN ('defaulted', 'blacklisted') AND e.occurred_at < ${cutoff}
      GROUP BY e.loan_id HAVING min(e.occurred_at) >= ${monthStart})
    SELECT
      (SELECT count(*) FROM ln WHERE status = 'in_grace')::int AS in_grace,
      (SELECT count(*) FROM ln WHERE status = 'overdue')::int AS overdue,
      (SELECT count(*) FROM ln WHERE status NOT IN ('written_off', 'cancelled') AND EXISTS (
        SELECT 1 FROM installments i WHERE i.loan_id = ln.id AND i.due_at < ${cutoff} AND i.paid_poisha < i.amount_poisha))::int AS arrears,
      (SELECT count(*) FROM fresh)::int AS new_defaulters,
      (SELECT jsonb_object_agg(to_char(month, 'YYYY-MM'), due) FROM months) AS due,
      (SELECT jsonb_object_agg(to_char(month, 'YYYY-MM'), collected) FROM months) AS collected`;
  return {
    loansInGrace: row!.in_grace,
    loansOverdue: row!.overdue,
    loansInArrears: row!.arrears,
    newDefaulters: row!.new_defaulters,
    series: months.map((m) => ({ ...m, duePoisha: Number(row!.due?.[m.month] ?? 0), collectedPoisha: Number(row!.collected?.[m.month] ?? 0) })),
  };
}

export async function dashboard(sql: Sql, actor: Actor, officeId: string | undefined, now = Date.now()): Promise<DashboardBody> {
  const office = await reportOffice(sql, actor, officeId);
  const [report, extras] = await Promise.all([collectionReport(sql, actor, office, resolvePeriod({}, now), now), dashboardExtras(sql, actor, office.id, now)]);
  return { ...report, ...extras };
}

const route = createRoute({
  method: 'get', path: '/api/reports/dashboard',
  summary: "An office's dashboard: this month's collection figures per child, loans in grace and overdue, new defaulters, 12 months of due vs collected",
  request: { query: z.object({ officeId: Id.optional() }) },
  responses: { 200: { description: 'the dashboard (default: my own office)', content: { 'application/json': { schema: Dashboard } } }, ...errorResponses('UNAUTHORIZED', 'NOT_FOUND') },
});

export function registerDashboard(app: App, { sql }: AppDeps): void {
  app.openapi(route, async (c) => {
    const actor = requireActor(c);
    return c.json(await dashboard(sql, actor, c.req.valid('query').officeId), 200);
  });
}
