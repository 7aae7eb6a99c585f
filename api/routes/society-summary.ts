// One cooperative society with its totals now: members, loans by status, what was lent, owed, paid,
// what is still outstanding and what is overdue. A society representative reads only their own.
import { createRoute, z } from '@hono/zod-openapi';
import { requireActor } from '../access/require-actor';
import { assertCanRead } from '../access/scope';
import type { App, AppDeps } from '../app-env';
import { ApiError, errorResponses } from '../errors';
import { Id } from '../schemas';
import { LOAN_STATUSES } from './reports';

const CLOSED = ['closed', 'settled', 'written_off', 'cancelled'];

export const SocietySummary = z
  .object({
    society: z.object({
      id: z.string(), nameBn: z.string(), nameEn: z.string(), projectName: z.string(), active: z.boolean(),
      officeId: z.string(), officeNameBn: z.string(), officeNameEn: z.string(),
    }),
    totals: z.object({
      borrowers: z.number().int(),
      loans: z.number().int(),
      loansByStatus: z.record(z.string(), z.number().int()),
      principalPoisha: z.number().int().describe('lent, cancelled loans excluded'),
      totalOwedPoisha: z.number().int().describe('principal and service charge, cancelled loans excluded'),
      paidPoisha: z.number().int(),
      outstandingPoisha: z.number().int().describe('still owed on loans not closed, settled, written off or cancelled'),
      overduePoisha: z.number().int().describe('installments due by now and unpaid; written-off and cancelled loans excluded'),
    }),
  })
  .openapi('SocietySummary');

export type SocietySummaryBody = z.infer<typeof SocietySummary>;

const route = createRoute({
  method: 'get', path: '/api/societies/{id}', summary: 'A society with its totals now',
  request: { params: z.object({ id: Id }) },
  responses: { 200: { description: 'the society', content: { 'application/json': { schema: SocietySummary } } }, ...errorResponses('UNAUTHORIZED', 'NOT_FOUND') },
});

export function registerSocietySummary(app: App, { sql }: AppDeps): void {
  app.openapi(route, async (c) => {
    const actor = requireActor(c);
    const { id } = c.req.valid('param');
    const [society] = await sql<SocietySummaryBody['society'][]>`
      SELECT s.id, s.name_bn AS "nameBn", s.name_en AS "nameEn", s.project_name AS "projectName", s.active,
        s.office_id AS "officeId", o.name_bn AS "officeNameBn", o.name_en AS "officeNameEn"
      FROM societies s JOIN offices o ON o.id = s.office_id WHERE s.id = ${id}`;
    if (!society) throw new ApiError('NOT_FOUND', 'no society here');
    await assertCanRead(sql, actor, { officeId: society.officeId, societyId: society.id }, 'society');
    const now = new Date();
    const [t] = await sql<{ borrowers: number; loans: number; by_status: Record<string, number>; principal: number; owed: number; paid: number; outstanding: number; overdue: number }[]>`
      WITH ln AS (SELECT * FROM loans WHERE society_id = ${id})
      SELECT
        (SELECT count(*) FROM borrowers WHERE society_id = ${id})::int AS borrowers,
        (SELECT count(*) FROM ln)::int AS loans,
        coalesce((SELECT jsonb_object_agg(status, n) FROM (SELECT status, count(*) AS n FROM ln GROUP BY status) s), '{}'::jsonb) AS by_status,
        (SELECT coalesce(sum(principal_poisha), 0) FROM ln WHERE status <> 'cancelled')::bigint AS principal,
        (SELECT coalesce(sum(coalesce(total_owed_poisha, principal_poisha)), 0) FROM ln WHERE status <> 'cancelled')::bigint AS owed,
        (SELECT coalesce(sum(paid_poisha), 0) FROM ln)::bigint AS paid,
        (SELECT coalesce(sum(greatest(coalesce(total_owed_poisha, principal_poisha) - paid_poisha, 0)), 0) FROM ln WHERE status <> ALL (${CLOSED}))::bigint AS outstanding,
        (SELECT coalesce(sum(i.amount_poisha - i.paid_poisha), 0) FROM ln JOIN installments i ON i.loan_id = ln.id
          WHERE i.due_at < ${now} AND ln.status NOT IN ('written_off', 'cancelled'))::bigint AS overdue`;
    const loansByStatus: Record<string, number> = Object.fromEntries(LOAN_STATUSES.map((s) => [s, 0]));
    for (const [status, n] of Object.entries(t!.by_status)) loansByStatus[status] = Number(n);
    return c.json({
      society,
      totals: {
        borrowers: t!.borrowers, loans: t!.loans, loansByStatus, principalPoisha: Number(t!.principal), totalOwedPoisha: Number(t!.owed),
        paidPoisha: Number(t!.paid), outstandingPoisha: Number(t!.outstanding), overduePoisha: Number(t!.overdue),
      },
    }, 200);
  });
}
