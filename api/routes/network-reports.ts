// The network's figures: the quarterly active/inactive lists, enrolment against the monthly targets,
// each upazila's societies at a glance, and the TCV evaluation (time, cost, visits) the pilot is
// judged by — notices reaching societies, and installments paid by bKash instead of collected.
import { createRoute, z } from '@hono/zod-openapi';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { dhakaInstant, toDhakaDate } from '../../domain/dhaka-time';
import { evaluateSocieties, societyFacts } from '../../network/society-activity';
import type { Actor } from '../access/actor';
import { requireActor } from '../access/require-actor';
import { assertCanRead } from '../access/scope';
import type { App, AppDeps } from '../app-env';
import { ApiError, errorResponses } from '../errors';
import { policyReader } from '../policy-reader';
import { Id } from '../schemas';

const DateText = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');
const Quarter = z.string().regex(/^\d{4}-Q[1-4]$/, 'must be a quarter like 2026-Q4');
const SocietyStatus = z.object({
  societyId: z.string(), nameBn: z.string(), nameEn: z.string(), active: z.boolean(),
  reasons: z.array(z.object({ rule: z.string(), reason: z.string() })),
  facts: z.object({ monthsSinceAgm: z.number(), monthsSinceAudit: z.number(), electionOverdueDays: z.number(), leaders: z.number() }),
});
const Tcv = z
  .object({
    from: z.string(), to: z.string(),
    notices: z.object({
      notices: z.number(), messages: z.number(), reached: z.number(), societiesReached: z.number(), medianHoursToReach: z.number().nullable(),
      costPoisha: z.number(), costPerMessagePoisha: z.number().nullable(), paperCostPoisha: z.number(), tripsAvoided: z.number(), paperHoursToReach: z.number(),
    }),
    loans: z.object({ bkashPayments: z.number(), societiesPayingByBkash: z.number(), collectionTripsAvoided: z.number(), collectionCostSavedPoisha: z.number() }),
  })
  .openapi('TcvEvaluation');

const routes = {
  quarterly: createRoute({
    method: 'get', path: '/api/network/quarterly', summary: 'Quarterly active/inactive society lists of the upazilas in my part of the country',
    request: { query: z.object({ quarter: Quarter.optional(), officeId: Id.optional() }) },
    responses: {
      200: { description: 'lists', content: { 'application/json': { schema: z.object({ items: z.array(z.object({ officeId: z.string(), officeNameBn: z.string(), quarter: z.string(), generatedAt: z.string(), noticeId: z.string().nullable(), societies: z.array(SocietyStatus) })) }) } } },
      ...errorResponses('UNAUTHORIZED', 'BAD_REQUEST', 'NOT_FOUND'),
    },
  }),
  runQuarterly: createRoute({
    method: 'post', path: '/api/network/quarterly', summary: 'Produce the quarterly lists now (normally the schedule does it on the first day of a quarter)',
    request: { body: { content: { 'application/json': { schema: z.object({ quarter: Quarter }) } }, required: true } },
    responses: { 202: { description: 'started', content: { 'application/json': { schema: z.object({ workflowId: z.string() }) } } }, ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'BAD_REQUEST') },
  }),
  societies: createRoute({
    method: 'get', path: '/api/network/societies', summary: "An upazila's societies at a glance: active or not by the rules now, leaders, notices read",
    request: { query: z.object({ officeId: Id.optional() }) },
    responses: { 200: { description: 'societies', content: { 'application/json': { schema: z.object({ officeId: z.string(), items: z.array(SocietyStatus.extend({ noticesSent: z.number(), noticesRead: z.number() })) }) } } }, ...errorResponses('UNAUTHORIZED', 'BAD_REQUEST', 'NOT_FOUND') },
  }),
  targets: createRoute({
    method: 'get', path: '/api/network/targets', summary: 'Monthly enrolment targets per upazila and the leaders who joined each month',
    request: { query: z.object({ year: z.coerce.number().int().min(2020).max(2100).optional(), officeId: Id.optional() }) },
    responses: {
      200: { description: 'targets', content: { 'application/json': { schema: z.object({ year: z.number(), items: z.array(z.object({ officeId: z.string(), officeNameBn: z.string(), officeNameEn: z.string(), months: z.array(z.object({ month: z.number(), target: z.number().nullable(), enrolled: z.number() })), target: z.number(), enrolled: z.number() })) }) } } },
      ...errorResponses('UNAUTHORIZED', 'NOT_FOUND'),
    },
  }),
  tcv: createRoute({
    method: 'get', path: '/api/network/tcv', summary: 'The TCV evaluation for an office and period: messages delivered, time to reach, cost, visits avoided; collection visits and cost avoided',
    request: { query: z.object({ officeId: Id.optional(), from: DateText.optional(), to: DateText.optional() }) },
    responses: { 200: { description: 'the evaluation', content: { 'application/json': { schema: Tcv } } }, ...errorResponses('UNAUTHORIZED', 'BAD_REQUEST', 'NOT_FOUND') },
  }),
};

export function registerNetworkReports(app: App, deps: AppDeps): void {
  const { sql } = deps;
  const policy = deps.policy ?? policyReader();

  /** The office asked for (checked), or the actor's own. */
  async function officeFor(actor: Actor, officeId: string | undefined): Promise<string> {
    if (officeId) await assertCanRead(sql, actor, { officeId }, 'office');
    return officeId ?? actor.officeId;
  }

  app.openapi(routes.quarterly, async (c) => {
    const actor = requireActor(c);
    const q = c.req.valid('query');
    const office = await officeFor(actor, q.officeId);
    const rows = await sql<{ office_id: string; office_name_bn: string; quarter: string; generated_at: string; notice_id: string | null; items: z.infer<typeof SocietyStatus>[] }[]>`
      SELECT DISTINCT ON (r.office_id) r.office_id, o.name_bn AS office_name_bn, r.quarter, to_json(r.generated_at)#>>'{}' AS generated_at, r.notice_id, r.items
      FROM society_status_reports r JOIN offices o ON o.id = r.office_id
      WHERE r.office_id IN (SELECT id FROM office_subtree(${office})) ${q.quarter ? sql`AND r.quarter = ${q.quarter}` : sql``}
      ORDER BY r.office_id, r.quarter DESC`;
    return c.json({ items: rows.map((r) => ({ officeId: r.office_id, officeNameBn: r.office_name_bn, quarter: r.quarter, generatedAt: r.generated_at, noticeId: r.notice_id, societies: r.items })) }, 200);
  });

  app.openapi(routes.runQuarterly, async (c) => {
    const actor = requireActor(c);
    if (!['hq_admin', 'divisional_officer', 'district_officer'].includes(actor.role)) throw new ApiError('FORBIDDEN', 'only a district, divisional or headquarters officer may produce the quarterly lists');
    const { quarter } = c.req.valid('json');
    const workflowId = `quarterly-lists-${quarter}`;
    try {
      await deps.temporal.workflow.start('quarterlyListsWorkflow', { taskQueue: deps.taskQueue, workflowId, args: [{ quarter }] });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
    return c.json({ workflowId }, 202);
  });

  app.openapi(routes.societies, async (c) => {
    const actor = requireActor(c);
    const q = c.req.valid('query');
    // A society representative sees their own upazila's societies: the seed's "own and the others' picture".
    const office = actor.role === 'society_rep' ? actor.officeId : await officeFor(actor, q.officeId);
    const [o] = await sql<{ level: string }[]>`SELECT level FROM offices WHERE id = ${office}`;
    if (o?.level !== 'upazila') throw new ApiError('BAD_REQUEST', 'choose an upazila office', 'officeId');
    const statuses = await evaluateSocieties((await policy.get()).files.notices.content, await societyFacts(sql, office, new Date()));
    const reads = await sql<{ society_id: string; sent: number; read: number }[]>`
      SELECT d.society_id, count(*)::int AS sent, count(*) FILTER (WHERE d.read_at IS NOT NULL)::int AS read
      FROM notice_deliveries d JOIN societies s ON s.id = d.society_id WHERE s.office_id = ${office} GROUP BY d.society_id`;
    const byId = new Map(reads.map((r) => [r.society_id, r]));
    return c.json({ officeId: office, items: statuses.map((s) => ({ ...s, noticesSent: byId.get(s.societyId)?.sent ?? 0, noticesRead: byId.get(s.societyId)?.read ?? 0 })) }, 200);
  });

  app.openapi(routes.targets, async (c) => {
    const actor = requireActor(c);
    const q = c.req.valid('query');
    const office = await officeFor(actor, q.officeId);
    const year = q.year ?? Number(toDhakaDate(Date.now()).slice(0, 4));
    const rows = await sql<{ office_id: string; name_bn: string; name_en: string; month: number; target: number | null; enrolled: number }[]>`
      WITH months AS (SELECT generate_series(1, 12) AS month),
      ups AS (SELECT id, name_bn, name_en FROM offices WHERE level = 'upazila' AND id IN (SELECT id FROM office_subtree(${office})))
      SELECT u.id AS office_id, u.name_bn, u.name_en, m.month, t.target,
        (SELECT count(*) FROM group_members gm JOIN comm_groups g ON g.id = gm.group_id
          WHERE g.office_id = u.id AND gm.member_kind = 'leader'
            AND gm.joined_at >= make_timestamptz(${year}, m.month, 1, 0, 0, 0, 'Asia/Dhaka')
            AND gm.joined_at < make_timestamptz(${year}, m.month, 1, 0, 0, 0, 'Asia/Dhaka') + interval '1 month')::int AS enrolled
      FROM ups u CROSS JOIN months m
      LEFT JOIN enrolment_targets t ON t.office_id = u.id AND t.month = make_date(${year}, m.month, 1)
      ORDER BY u.name_en, m.month`;
    const items = new Map<string, { officeId: string; officeNameBn: string; officeNameEn: string; months: { month: number; target: number | null; enrolled: number }[]; target: number; enrolled: number }>();
    for (const r of rows) {
      const item = items.get(r.office_id) ?? { officeId: r.office_id, officeNameBn: r.name_bn, officeNameEn: r.name_en, months: [], target: 0, enrolled: 0 };
      item.months.push({ month: r.month, target: r.target, enrolled: r.enrolled });
      item.target += r.target ?? 0;
      item.enrolled += r.enrolled;
      items.set(r.office_id, item);
    }
    return c.json({ year, items: [...items.values()] }, 200);
  });

  app.openapi(routes.tcv, async (c) => {
    const actor = requireActor(c);
    const q = c.req.valid('query');
    const office = await officeFor(actor, q.officeId);
    const today = toDhakaDate(Date.now());
    const to = q.to ?? today;
    const from = q.from ?? `${to.slice(0, 4)}-01-01`;
    if (from > to) throw new ApiError('BAD_REQUEST', 'from is after to', 'from');
    const start = new Date(dhakaInstant(from));
    const end = new Date(dhakaInstant(to) + 86_400_000);
    const base = (await policy.get()).files.notices.content.evaluation;
    const [n] = await sql<[{ notices: number; messages: number; reached: number; societies: number; median_ms: number | null; cost: number }]>`
      SELECT count(DISTINCT n.id)::int AS notices, count(d.person_key)::int AS messages,
        count(d.person_key) FILTER (WHERE d.reached_at IS NOT NULL OR o.status IN ('sent', 'delivered'))::int AS reached,
        count(DISTINCT d.society_id) FILTER (WHERE d.reached_at IS NOT NULL OR o.status IN ('sent', 'delivered'))::int AS societies,
        (percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM coalesce(d.reached_at, o.sent_at) - n.posted_at) * 1000)
          FILTER (WHERE coalesce(d.reached_at, o.sent_at) IS NOT NULL))::float8 AS median_ms,
        (coalesce(sum(d.cost_poisha), 0) + coalesce(sum(o.cost_poisha) FILTER (WHERE n.status = 'delivering'), 0))::bigint AS cost
      FROM notices n LEFT JOIN notice_deliveries d ON d.notice_id = n.id LEFT JOIN outbox o ON o.id = d.sms_outbox_id
      WHERE n.office_id IN (SELECT id FROM office_subtree(${office})) AND n.posted_at >= ${start} AND n.posted_at < ${end}`;
    // Society-notice pairs reached: on paper each cost a letter or a visit.
    const [pairs] = await sql<[{ pairs: number }]>`
      SELECT count(*)::int AS pairs FROM (
        SELECT DISTINCT d.notice_id, d.society_id FROM notice_deliveries d JOIN notices n ON n.id = d.notice_id LEFT JOIN outbox o ON o.id = d.sms_outbox_id
        WHERE d.society_id IS NOT NULL AND n.office_id IN (SELECT id FROM office_subtree(${office})) AND n.posted_at >= ${start} AND n.posted_at < ${end}
          AND (d.reached_at IS NOT NULL OR o.status IN ('sent', 'delivered'))) x`;
    const [l] = await sql<[{ payments: number; societies: number; society_months: number }]>`
      SELECT count(*)::int AS payments, count(DISTINCT l.society_id)::int AS societies,
        count(DISTINCT (l.society_id, date_trunc('month', p.paid_at AT TIME ZONE 'Asia/Dhaka')))::int AS society_months
      FROM payments p JOIN loans l ON l.id = p.loan_id
      WHERE p.provider = 'bkash' AND p.status = 'applied' AND l.office_id IN (SELECT id FROM office_subtree(${office}))
        AND p.paid_at >= ${start} AND p.paid_at < ${end}`;
    // Collection visits: the seed's yearly trips and cost per society, for each month a society paid by bKash.
    const perMonthTrips = base.collectionTripsPerSocietyPerYear / 12;
    const perMonthCost = base.collectionCostPerSocietyPerYearPoisha / 12;
    const cost = Number(n.cost);
    return c.json({
      from, to,
      notices: {
        notices: n.notices, messages: n.messages, reached: n.reached, societiesReached: n.societies,
        medianHoursToReach: n.median_ms === null ? null : Math.round((n.median_ms / 3_600_000) * 100) / 100,
        costPoisha: cost, costPerMessagePoisha: n.messages ? Math.round(cost / n.messages) : null,
        paperCostPoisha: pairs.pairs * base.paperCostPerSocietyPoisha, tripsAvoided: Math.round(pairs.pairs * base.paperTripsPerSociety * 10) / 10,
        paperHoursToReach: base.paperHoursToReach,
      },
      loans: {
        bkashPayments: l.payments, societiesPayingByBkash: l.societies,
        collectionTripsAvoided: Math.round(l.society_months * perMonthTrips * 10) / 10,
        collectionCostSavedPoisha: Math.round(l.society_months * perMonthCost),
      },
    }, 200);
  });
}
