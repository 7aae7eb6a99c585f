// Notices to the network's groups: posted by an officer whose role the rules allow for the category,
// to groups of their office or below; delivered by one workflow per notice (workflows/notice.ts).
// A recipient reads it in the app (a read receipt); officers see who it reached, how, and the cost.
import { createHash, randomUUID } from 'node:crypto';
import { createRoute, z } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { sniffAttachment } from '../../network/attachment-type';
import { postingRefusal } from '../../network/posting-rights';
import { startNoticeWorkflow } from '../../network/start-notice';
import { NOTICE_CATEGORIES, type NoticeCategory } from '../../policy/schema';
import type { Actor } from '../access/actor';
import { requireActor } from '../access/require-actor';
import { canRead } from '../access/scope';
import type { App, AppDeps } from '../app-env';
import { ApiError, errorResponses, renderError } from '../errors';
import { policyReader } from '../policy-reader';

const MAX_FILES = 5;
const MAX_FILE_BYTES = 5 * 1024 * 1024;
const DateText = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');
const Params = z.object({ id: z.string().uuid() });

const Summary = z.object({ recipients: z.number(), reached: z.number(), read: z.number(), costPoisha: z.number() });
const NoticeItem = z
  .object({
    id: z.string(), officeId: z.string(), officeNameBn: z.string(), category: z.enum(NOTICE_CATEGORIES), title: z.string(), eventOn: z.string().nullable(),
    deadlineOn: z.string().nullable(), postedAt: z.string(), postedByName: z.string(), status: z.enum(['delivering', 'done']), groupIds: z.array(z.string()),
    readByMe: z.boolean().nullable(), summary: Summary.nullable(),
  })
  .openapi('NoticeItem');
const Delivery = z
  .object({
    name: z.string(), mobile: z.string().nullable(), societyId: z.string().nullable(), societyNameBn: z.string().nullable(), groupId: z.string(),
    channel: z.enum(['app', 'whatsapp', 'sms']).nullable(), state: z.enum(['read', 'delivered', 'sent', 'waiting', 'not_reached']),
    whatsapp: z.string().nullable(), sms: z.string().nullable(), reachedAt: z.string().nullable(), readAt: z.string().nullable(), costPoisha: z.number(),
  })
  .openapi('NoticeDelivery');
const Attachment = z.object({ id: z.string(), filename: z.string(), contentType: z.string(), sizeBytes: z.number() });

const routes = {
  post: createRoute({
    method: 'post', path: '/api/notices',
    summary: 'Post a notice to one or more groups; its delivery starts at once (app, WhatsApp, then SMS fallback)',
    middleware: [
      bodyLimit({ maxSize: MAX_FILES * MAX_FILE_BYTES + 256 * 1024, onError: (c) => renderError(new HTTPException(413, { message: `attachments may total at most ${MAX_FILES} × 5 MB` }), c) }),
    ] as const,
    request: {
      body: {
        content: {
          'multipart/form-data': {
            schema: z.object({
              category: z.enum(NOTICE_CATEGORIES), title: z.string().trim().min(1).max(200), body: z.string().trim().min(1).max(5000),
              groupIds: z.union([z.string(), z.array(z.string())]).describe('one or more group ids (repeat the field)'),
              eventOn: DateText.optional().or(z.literal('')), deadlineOn: DateText.optional().or(z.literal('')),
              files: z.union([z.instanceof(File), z.array(z.instanceof(File))]).optional().openapi({ type: 'array', items: { type: 'string', format: 'binary' } }),
            }),
          },
        },
        required: true,
      },
    },
    responses: {
      201: { description: 'posted', content: { 'application/json': { schema: z.object({ notice: z.object({ id: z.string() }) }) } } },
      413: { description: 'too large', content: { 'application/json': { schema: z.unknown() } } },
      ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN'),
    },
  }),
  list: createRoute({
    method: 'get', path: '/api/notices', summary: 'Notices I posted or may oversee, and notices sent to me, newest first',
    request: { query: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }) },
    responses: { 200: { description: 'notices', content: { 'application/json': { schema: z.object({ items: z.array(NoticeItem) }) } } }, ...errorResponses('UNAUTHORIZED') },
  }),
  get: createRoute({
    method: 'get', path: '/api/notices/{id}', summary: 'A notice; for officers overseeing it, who it reached, how, and the cost',
    request: { params: Params },
    responses: {
      200: { description: 'the notice', content: { 'application/json': { schema: z.object({ notice: NoticeItem.extend({ body: z.string(), attachments: z.array(Attachment) }), deliveries: z.array(Delivery).nullable() }) } } },
      ...errorResponses('UNAUTHORIZED', 'NOT_FOUND'),
    },
  }),
  read: createRoute({
    method: 'post', path: '/api/notices/{id}/read', summary: 'I have read this notice (a read receipt)',
    request: { params: Params },
    responses: { 204: { description: 'recorded' }, ...errorResponses('UNAUTHORIZED', 'NOT_FOUND') },
  }),
  attachment: createRoute({
    method: 'get', path: '/api/notices/{id}/attachments/{attachmentId}', summary: 'Download an attachment',
    request: { params: Params.extend({ attachmentId: z.string().uuid() }) },
    responses: { 200: { description: 'the file', content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } } }, ...errorResponses('UNAUTHORIZED', 'NOT_FOUND') },
  }),
  share: createRoute({
    method: 'get', path: '/api/notices/{id}/share', summary: 'Ready Bengali text and a WhatsApp share link, for the office’s existing manual WhatsApp groups',
    request: { params: Params },
    responses: { 200: { description: 'text and link', content: { 'application/json': { schema: z.object({ text: z.string(), link: z.string() }) } } }, ...errorResponses('UNAUTHORIZED', 'NOT_FOUND') },
  }),
  manualPost: createRoute({
    method: 'post', path: '/api/notices/{id}/manual-posts', summary: 'Record that I posted the notice into a manual WhatsApp group',
    request: { params: Params, body: { content: { 'application/json': { schema: z.object({ groupId: z.string().max(80), note: z.string().max(500).optional() }) } }, required: true } },
    responses: { 201: { description: 'recorded' }, ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'NOT_FOUND') },
  }),
};

const CATEGORY_BN: Record<NoticeCategory, string> = {
  election: 'নির্বাচন', adhoc_committee: 'অন্তর্বর্তী কমিটি', training: 'প্রশিক্ষণ', inspection: 'পরিদর্শন', order: 'আদেশ/নির্দেশ', circular: 'পরিপত্র',
  notification: 'প্রজ্ঞাপন', audit_notice: 'অডিট নোটিশ', activity_photo: 'কার্যক্রমের তথ্যচিত্র', quarterly_list: 'ত্রৈমাসিক তালিকা',
};

interface NoticeRow {
  id: string; office_id: string; office_name_bn: string; category: NoticeCategory; title: string; body: string; event_on: string | null; deadline_on: string | null;
  posted_at: string; posted_by_name: string; status: 'delivering' | 'done'; group_ids: string[];
}

export function registerNotices(app: App, deps: AppDeps): void {
  const { sql, temporal, taskQueue } = deps;
  const policy = deps.policy ?? policyReader();

  /** Whether the actor oversees the notice (its office is theirs or below) and whether it was sent to them. */
  async function access(actor: Actor, n: NoticeRow) {
    const oversees = actor.role !== 'society_rep' && (await canRead(sql, actor, { officeId: n.office_id }));
    const [mine] = await sql<{ read: boolean }[]>`
      SELECT bool_or(d.read_at IS NOT NULL) AS read FROM notice_deliveries d LEFT JOIN society_leaders l ON l.id = d.leader_id
      WHERE d.notice_id = ${n.id} AND (d.user_id = ${actor.id} OR l.user_id = ${actor.id}) HAVING count(*) > 0`;
    return { oversees, recipient: !!mine, readByMe: mine ? mine.read : null };
  }

  async function noticeRow(id: string): Promise<NoticeRow> {
    const [n] = await sql<NoticeRow[]>`
      SELECT n.id, n.office_id, o.name_bn AS office_name_bn, n.category, n.title, n.body, n.event_on::text, n.deadline_on::text,
        to_json(n.posted_at)#>>'{}' AS posted_at, u.name AS posted_by_name, n.status,
        array(SELECT group_id FROM notice_groups g WHERE g.notice_id = n.id ORDER BY group_id) AS group_ids
      FROM notices n JOIN offices o ON o.id = n.office_id JOIN users u ON u.id = n.posted_by WHERE n.id = ${id}`;
    if (!n) throw new ApiError('NOT_FOUND', 'no notice here');
    return n;
  }

  async function readable(actor: Actor, id: string) {
    const n = await noticeRow(id);
    const a = await access(actor, n);
    if (!a.oversees && !a.recipient) throw new ApiError('NOT_FOUND', 'no notice here');
    return { n, ...a };
  }

  const summaries = async (ids: string[]) => {
    const rows = await sql<{ notice_id: string; recipients: number; reached: number; read: number; cost: number }[]>`
      SELECT d.notice_id, count(*)::int AS recipients,
        count(*) FILTER (WHERE d.reached_at IS NOT NULL OR o.status IN ('sent', 'delivered'))::int AS reached,
        count(*) FILTER (WHERE d.read_at IS NOT NULL)::int AS read,
        (coalesce(sum(d.cost_poisha), 0) + coalesce(sum(o.cost_poisha) FILTER (WHERE n.status = 'delivering'), 0))::bigint AS cost
      FROM notice_deliveries d JOIN notices n ON n.id = d.notice_id LEFT JOIN outbox o ON o.id = d.sms_outbox_id
      WHERE d.notice_id = ANY(${sql.array(ids)}::uuid[]) GROUP BY d.notice_id`;
    return new Map(rows.map((r) => [r.notice_id, { recipients: r.recipients, reached: r.reached, read: r.read, costPoisha: Number(r.cost) }]));
  };

  const item = (n: NoticeRow, readByMe: boolean | null, summary: z.infer<typeof Summary> | null): z.infer<typeof NoticeItem> => ({
    id: n.id, officeId: n.office_id, officeNameBn: n.office_name_bn, category: n.category, title: n.title, eventOn: n.event_on, deadlineOn: n.deadline_on,
    postedAt: n.posted_at, postedByName: n.posted_by_name, status: n.status, groupIds: n.group_ids, readByMe, summary,
  });

  app.openapi(routes.post, async (c) => {
    const actor = requireActor(c);
    const form = c.req.valid('form');
    const groupIds = [...new Set([form.groupIds].flat())];
    const files = form.files === undefined ? [] : [form.files].flat();
    if (groupIds.length === 0) throw new ApiError('BAD_REQUEST', 'choose at least one group', 'groupIds');
    if (files.length > MAX_FILES) throw new ApiError('BAD_REQUEST', `at most ${MAX_FILES} attachments`, 'files');
    const groups = await sql<{ id: string; office_id: string }[]>`SELECT id, office_id FROM comm_groups WHERE id = ANY(${sql.array(groupIds)}::text[])`;
    const unknown = groupIds.filter((g) => !groups.some((x) => x.id === g));
    if (unknown.length) throw new ApiError('BAD_REQUEST', `no such group: ${unknown.join(', ')}`, 'groupIds');
    const outside: string[] = [];
    for (const g of groups) if (actor.role === 'society_rep' || !(await canRead(sql, actor, { officeId: g.office_id }))) outside.push(g.id);
    const set = await policy.get();
    const refusal = postingRefusal(set.files.notices.content, actor.role, form.category, outside);
    if (refusal) throw new ApiError('FORBIDDEN', refusal.reason, refusal.field);

    const attachments: { id: string; filename: string; type: string; bytes: Uint8Array; sha256: string }[] = [];
    for (const [i, f] of files.entries()) {
      const bytes = new Uint8Array(await f.arrayBuffer());
      if (bytes.length === 0) throw new ApiError('BAD_REQUEST', `attachment ${i + 1} (${f.name}) is empty`, 'files');
      if (bytes.length > MAX_FILE_BYTES) throw new ApiError('BAD_REQUEST', `attachment ${i + 1} (${f.name}) is larger than 5 MB`, 'files');
      const type = sniffAttachment(bytes);
      if (!type) throw new ApiError('BAD_REQUEST', `attachment ${i + 1} (${f.name}) is not a PDF, JPEG or PNG file`, 'files');
      attachments.push({ id: randomUUID(), filename: (f.name || `attachment-${i + 1}`).slice(0, 200), type, bytes, sha256: createHash('sha256').update(bytes).digest('hex') });
    }

    const id = randomUUID();
    await sql.begin(async (tx) => {
      await tx`
        INSERT INTO notices (id, office_id, category, title, body, event_on, deadline_on, posted_by, workflow_id, rule_set_version)
        VALUES (${id}, ${actor.officeId}, ${form.category}, ${form.title}, ${form.body}, ${form.eventOn || null}, ${form.deadlineOn || null}, ${actor.id},
          ${`notice-${id}`}, ${set.files.notices.version})`;
      await tx`INSERT INTO notice_groups ${tx(groupIds.map((g) => ({ notice_id: id, group_id: g })))}`;
      for (const a of attachments) {
        await tx`INSERT INTO notice_attachments (id, notice_id, filename, content_type, size_bytes, sha256, bytes)
          VALUES (${a.id}, ${id}, ${a.filename}, ${a.type}, ${a.bytes.length}, ${a.sha256}, ${Buffer.from(a.bytes)})`;
      }
    });
    // Committed first: if this start fails, start-up resumes it (network/start-notice.ts).
    await startNoticeWorkflow(temporal, taskQueue, id).catch((err: Error) => console.error(`[notices] workflow for ${id} not started yet: ${err.message}`));
    c.header('location', `/api/notices/${id}`);
    return c.json({ notice: { id } }, 201);
  });

  app.openapi(routes.list, async (c) => {
    const actor = requireActor(c);
    const { limit } = c.req.valid('query');
    const rows = await sql<NoticeRow[]>`
      SELECT n.id, n.office_id, o.name_bn AS office_name_bn, n.category, n.title, n.body, n.event_on::text, n.deadline_on::text,
        to_json(n.posted_at)#>>'{}' AS posted_at, u.name AS posted_by_name, n.status,
        array(SELECT group_id FROM notice_groups g WHERE g.notice_id = n.id ORDER BY group_id) AS group_ids
      FROM notices n JOIN offices o ON o.id = n.office_id JOIN users u ON u.id = n.posted_by
      WHERE ${actor.role === 'society_rep' ? sql`false` : sql`n.office_id IN (SELECT id FROM office_subtree(${actor.officeId}))`}
        OR EXISTS (SELECT 1 FROM notice_deliveries d LEFT JOIN society_leaders l ON l.id = d.leader_id
                   WHERE d.notice_id = n.id AND (d.user_id = ${actor.id} OR l.user_id = ${actor.id}))
      ORDER BY n.posted_at DESC LIMIT ${limit}`;
    const sums = await summaries(rows.map((r) => r.id));
    const items = [];
    for (const n of rows) {
      const a = await access(actor, n);
      items.push(item(n, a.readByMe, a.oversees ? (sums.get(n.id) ?? { recipients: 0, reached: 0, read: 0, costPoisha: 0 }) : null));
    }
    return c.json({ items }, 200);
  });

  app.openapi(routes.get, async (c) => {
    const actor = requireActor(c);
    const { n, oversees, readByMe } = await readable(actor, c.req.valid('param').id);
    const attachments = await sql<z.infer<typeof Attachment>[]>`
      SELECT id, filename, content_type AS "contentType", size_bytes AS "sizeBytes" FROM notice_attachments WHERE notice_id = ${n.id} ORDER BY filename`;
    let deliveries: z.infer<typeof Delivery>[] | null = null;
    if (oversees) {
      deliveries = await sql<z.infer<typeof Delivery>[]>`
        SELECT d.name, d.mobile, d.society_id AS "societyId", s.name_bn AS "societyNameBn", d.group_id AS "groupId",
          CASE WHEN d.reached_via IS NOT NULL THEN d.reached_via WHEN o.status IN ('sent', 'delivered') THEN 'sms' END AS channel,
          CASE WHEN d.read_at IS NOT NULL THEN 'read'
               WHEN d.reached_at IS NOT NULL OR o.status = 'delivered' THEN 'delivered'
               WHEN d.wa_status = 'sent' OR o.status = 'sent' THEN 'sent'
               WHEN n.status = 'done' THEN 'not_reached' ELSE 'waiting' END AS state,
          d.wa_status AS whatsapp, o.status AS sms, to_json(coalesce(d.reached_at, o.sent_at))#>>'{}' AS "reachedAt", to_json(d.read_at)#>>'{}' AS "readAt",
          (d.cost_poisha + CASE WHEN n.status = 'delivering' THEN coalesce(o.cost_poisha, 0) ELSE 0 END)::bigint AS "costPoisha"
        FROM notice_deliveries d JOIN notices n ON n.id = d.notice_id LEFT JOIN outbox o ON o.id = d.sms_outbox_id LEFT JOIN societies s ON s.id = d.society_id
        WHERE d.notice_id = ${n.id} ORDER BY s.name_bn NULLS FIRST, d.name`;
    }
    const sum = oversees ? ((await summaries([n.id])).get(n.id) ?? { recipients: 0, reached: 0, read: 0, costPoisha: 0 }) : null;
    return c.json({ notice: { ...item(n, readByMe, sum), body: n.body, attachments }, deliveries }, 200);
  });

  app.openapi(routes.read, async (c) => {
    const actor = requireActor(c);
    const { n, recipient } = await readable(actor, c.req.valid('param').id);
    if (recipient) {
      await sql`
        UPDATE notice_deliveries d SET app_read_at = coalesce(app_read_at, now()), read_at = coalesce(read_at, now()),
          reached_at = coalesce(reached_at, now()), reached_via = coalesce(reached_via, 'app')
        FROM (SELECT d2.person_key FROM notice_deliveries d2 LEFT JOIN society_leaders l ON l.id = d2.leader_id
              WHERE d2.notice_id = ${n.id} AND (d2.user_id = ${actor.id} OR l.user_id = ${actor.id})) me
        WHERE d.notice_id = ${n.id} AND d.person_key = me.person_key`;
    }
    return c.body(null, 204);
  });

  app.openapi(routes.attachment, async (c) => {
    const actor = requireActor(c);
    const { id, attachmentId } = c.req.valid('param');
    await readable(actor, id);
    const [a] = await sql<{ filename: string; content_type: string; bytes: Buffer }[]>`
      SELECT filename, content_type, bytes FROM notice_attachments WHERE id = ${attachmentId} AND notice_id = ${id}`;
    if (!a) throw new ApiError('NOT_FOUND', 'no attachment here');
    return c.body(new Uint8Array(a.bytes), 200, {
      'content-type': a.content_type,
      'content-disposition': `attachment; filename="${a.filename.replace(/[^\w.-]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(a.filename)}`,
      'x-content-type-options': 'nosniff',
      'cache-control': 'private, no-store',
    });
  });

  app.openapi(routes.share, async (c) => {
    const actor = requireActor(c);
    const { n, oversees } = await readable(actor, c.req.valid('param').id);
    if (!oversees) throw new ApiError('NOT_FOUND', 'no notice here');
    const link = `${deps.publicUrl ?? new URL(c.req.url).origin}/notices/${n.id}`;
    const text = [`*${CATEGORY_BN[n.category]}: ${n.title}*`, n.body, n.event_on ? `তারিখ: ${n.event_on}` : null, `— ${n.office_name_bn}`, link].filter(Boolean).join('\n\n');
    return c.json({ text, link: `https://wa.me/?text=${encodeURIComponent(text)}` }, 200);
  });

  app.openapi(routes.manualPost, async (c) => {
    const actor = requireActor(c);
    const { n, oversees } = await readable(actor, c.req.valid('param').id);
    if (!oversees) throw new ApiError('NOT_FOUND', 'no notice here');
    const { groupId, note } = c.req.valid('json');
    if (!n.group_ids.includes(groupId)) throw new ApiError('BAD_REQUEST', 'the notice was not posted to that group', 'groupId');
    await sql`INSERT INTO manual_group_posts (notice_id, group_id, posted_by, note) VALUES (${n.id}, ${groupId}, ${actor.id}, ${note ?? null})`;
    return c.body(null, 201);
  });
}
