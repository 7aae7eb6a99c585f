// The SMS (and WhatsApp) outbox as officers see it: what was sent to which borrower, its status,
// parts and cost, for loans in their part of the country; with the totals of the same filter.
import { createRoute, z } from '@hono/zod-openapi';
import { dhakaInstant } from '../../domain/dhaka-time';
import { requireActor } from '../access/require-actor';
import { assertCanRead, scopeFilter } from '../access/scope';
import type { App, AppDeps } from '../app-env';
import { errorResponses } from '../errors';
import { decodeCursor, page } from '../pagination';
import { Id, PageQuery } from '../schemas';

const DateText = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');
export const MESSAGE_STATUSES = ['pending', 'sending', 'sent', 'delivered', 'failed', 'skipped'] as const;

const Message = z
  .object({
    id: z.string(), channel: z.string(), template: z.string(), recipient: z.string().nullable(), body: z.string(), status: z.enum(MESSAGE_STATUSES),
    attempts: z.number(), segments: z.number().nullable(), costPoisha: z.number().nullable(), provider: z.string().nullable(), lastError: z.string().nullable(),
    createdAt: z.string(), notBefore: z.string(), sentAt: z.string().nullable(),
    loanId: z.string(), loanCode: z.string(), borrowerId: z.string().nullable(), borrowerName: z.string().nullable(), officeId: z.string(),
  })
  .openapi('OutboxMessage');

const Summary = z.object({
  messages: z.number(), segments: z.number(), costPoisha: z.number(), byStatus: z.record(z.string(), z.number()),
});

const MessagesQuery = PageQuery.extend({
  officeId: Id.optional(),
  loanId: z.string().uuid().optional(),
  status: z.enum(MESSAGE_STATUSES).optional(),
  template: z.string().regex(/^[a-z_]{1,40}$/, 'must be a template name').optional(),
  from: DateText.optional(),
  to: DateText.optional(),
});

const listMessages = createRoute({
  method: 'get', path: '/api/messages', summary: 'Messages to borrowers of loans in my part of the country, newest first, with totals (count, parts, cost) for the same filter',
  request: { query: MessagesQuery },
  responses: {
    200: { description: 'messages', content: { 'application/json': { schema: z.object({ items: z.array(Message), nextCursor: z.string().nullable(), summary: Summary }) } } },
    ...errorResponses('UNAUTHORIZED', 'BAD_REQUEST', 'NOT_FOUND'),
  },
});

export function registerMessages(app: App, { sql }: AppDeps): void {
  app.openapi(listMessages, async (c) => {
    const actor = requireActor(c);
    const q = c.req.valid('query');
    if (q.officeId) await assertCanRead(sql, actor, { officeId: q.officeId }, 'office');
    const after = decodeCursor(q.cursor);
    const where = sql`
      ${scopeFilter(sql, actor, 'l')}
      ${q.officeId ? sql`AND l.office_id IN (SELECT id FROM office_subtree(${q.officeId}))` : sql``}
      ${q.loanId ? sql`AND o.loan_id = ${q.loanId}` : sql``}
      ${q.status ? sql`AND o.status = ${q.status}` : sql``}
      ${q.template ? sql`AND o.template = ${q.template}` : sql``}
      ${q.from ? sql`AND o.created_at >= ${new Date(dhakaInstant(q.from))}` : sql``}
      ${q.to ? sql`AND o.created_at < ${new Date(dhakaInstant(q.to) + 86_400_000)}` : sql``}`;
    const [rows, totals] = await Promise.all([
      sql<z.infer<typeof Message>[]>`
        SELECT o.id::text, o.channel, o.template, o.recipient, o.body, o.status, o.attempts, o.segments, o.cost_poisha AS "costPoisha", o.provider,
          o.last_error AS "lastError", to_json(o.created_at)#>>'{}' AS "createdAt", to_json(o.not_before)#>>'{}' AS "notBefore",
          to_json(o.sent_at)#>>'{}' AS "sentAt", o.loan_id AS "loanId", l.code AS "loanCode", o.borrower_id AS "borrowerId", b.name AS "borrowerName", l.office_id AS "officeId"
        FROM outbox o JOIN loans l ON l.id = o.loan_id LEFT JOIN borrowers b ON b.id = o.borrower_id
        WHERE ${where} ${after ? sql`AND (o.created_at, o.id) < (${String(after.k)}::text::timestamptz, ${after.id}::bigint)` : sql``}
        ORDER BY o.created_at DESC, o.id DESC LIMIT ${q.limit + 1}`,
      sql<{ status: string; messages: number; segments: number; cost: number }[]>`
        SELECT o.status, count(*)::int AS messages, coalesce(sum(o.segments), 0)::bigint AS segments, coalesce(sum(o.cost_poisha), 0)::bigint AS cost
        FROM outbox o JOIN loans l ON l.id = o.loan_id WHERE ${where} GROUP BY o.status`,
    ]);
    const summary = {
      messages: totals.reduce((t, r) => t + r.messages, 0),
      segments: totals.reduce((t, r) => t + Number(r.segments), 0),
      costPoisha: totals.reduce((t, r) => t + Number(r.cost), 0),
      byStatus: Object.fromEntries(totals.map((r) => [r.status, r.messages])),
    };
    return c.json({ ...page(rows, q.limit, (r) => ({ k: r.createdAt, id: r.id })), summary }, 200);
  });
}
