// The network's groups and the society register behind them: leaders (president, secretary) with
// their channel and WhatsApp consent, and the dates that make a society active. Every change here
// re-syncs the groups at once (network/sync-groups.ts).
import { randomUUID } from 'node:crypto';
import { createRoute, z } from '@hono/zod-openapi';
import { syncGroups } from '../../network/sync-groups';
import { requireActor } from '../access/require-actor';
import { assertCanRead, assertCanWrite } from '../access/scope';
import type { App, AppDeps } from '../app-env';
import { ApiError, errorResponses } from '../errors';
import { Mobile } from '../schemas';

const DateText = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');

const Group = z
  .object({ id: z.string(), kind: z.enum(['district', 'upazila']), officeId: z.string(), nameBn: z.string(), nameEn: z.string(), members: z.number(), societies: z.number() })
  .openapi('CommGroup');
const Member = z
  .object({
    id: z.string(), kind: z.enum(['officer', 'leader']), role: z.enum(['admin', 'member', 'monitor']), name: z.string(), mobile: z.string().nullable(),
    position: z.string().nullable(), societyId: z.string().nullable(), societyNameBn: z.string().nullable(), preferredChannel: z.string(),
    whatsappConsent: z.boolean(), joinedAt: z.string(),
  })
  .openapi('GroupMember');
const Leader = z
  .object({
    id: z.string(), societyId: z.string(), position: z.enum(['president', 'secretary']), name: z.string(), mobile: z.string(), electedOn: z.string(),
    preferredChannel: z.enum(['whatsapp', 'sms', 'app']), whatsappConsent: z.boolean(),
  })
  .openapi('SocietyLeader');

const routes = {
  groups: createRoute({
    method: 'get', path: '/api/groups', summary: 'Communication groups of my office and the offices below it',
    responses: { 200: { description: 'groups', content: { 'application/json': { schema: z.object({ items: z.array(Group) }) } } }, ...errorResponses('UNAUTHORIZED') },
  }),
  group: createRoute({
    method: 'get', path: '/api/groups/{id}', summary: 'A group and its current members',
    request: { params: z.object({ id: z.string().max(80) }) },
    responses: { 200: { description: 'the group', content: { 'application/json': { schema: z.object({ group: Group, members: z.array(Member) }) } } }, ...errorResponses('UNAUTHORIZED', 'NOT_FOUND') },
  }),
  electLeader: createRoute({
    method: 'post', path: '/api/societies/{id}/leaders', summary: "Record a society's new president or secretary (the previous one's term ends); the upazila group follows",
    request: {
      params: z.object({ id: z.string().max(60) }),
      body: {
        content: {
          'application/json': {
            schema: z.object({
              position: z.enum(['president', 'secretary']), name: z.string().trim().min(1).max(120), mobile: Mobile, electedOn: DateText,
              preferredChannel: z.enum(['whatsapp', 'sms', 'app']).default('sms'),
              whatsappConsent: z.boolean().default(false).describe('the leader agreed to receive notices on WhatsApp (recorded with who recorded it)'),
            }),
          },
        },
        required: true,
      },
    },
    responses: { 201: { description: 'recorded', content: { 'application/json': { schema: z.object({ leader: Leader }) } } }, ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND') },
  }),
  register: createRoute({
    method: 'post', path: '/api/societies/{id}/register', summary: "Update a society's register: active or not, last AGM, last audit, next election due",
    request: {
      params: z.object({ id: z.string().max(60) }),
      body: {
        content: {
          'application/json': {
            schema: z.object({ active: z.boolean().optional(), lastAgmOn: DateText.nullable().optional(), lastAuditOn: DateText.nullable().optional(), electionDueOn: DateText.nullable().optional() }),
          },
        },
        required: true,
      },
    },
    responses: { 200: { description: 'updated', content: { 'application/json': { schema: z.object({ joined: z.number(), left: z.number() }) } } }, ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND') },
  }),
};

export function registerNetwork(app: App, { sql }: AppDeps): void {
  app.openapi(routes.groups, async (c) => {
    const actor = requireActor(c);
    const items = await sql<z.infer<typeof Group>[]>`
      SELECT g.id, g.kind, g.office_id AS "officeId", g.name_bn AS "nameBn", g.name_en AS "nameEn",
        count(m.id)::int AS members, count(DISTINCT l.society_id)::int AS societies
      FROM comm_groups g LEFT JOIN group_members m ON m.group_id = g.id AND m.left_at IS NULL
      LEFT JOIN society_leaders l ON l.id = m.leader_id
      WHERE ${actor.role === 'society_rep' ? sql`g.office_id = ${actor.officeId}` : sql`g.office_id IN (SELECT id FROM office_subtree(${actor.officeId}))`}
      GROUP BY g.id ORDER BY g.kind, g.name_en`;
    return c.json({ items }, 200);
  });

  app.openapi(routes.group, async (c) => {
    const actor = requireActor(c);
    const { id } = c.req.valid('param');
    const [group] = await sql<z.infer<typeof Group>[]>`
      SELECT g.id, g.kind, g.office_id AS "officeId", g.name_bn AS "nameBn", g.name_en AS "nameEn",
        (SELECT count(*) FROM group_members m WHERE m.group_id = g.id AND m.left_at IS NULL)::int AS members,
        (SELECT count(DISTINCT l.society_id) FROM group_members m JOIN society_leaders l ON l.id = m.leader_id WHERE m.group_id = g.id AND m.left_at IS NULL)::int AS societies
      FROM comm_groups g WHERE g.id = ${id}`;
    if (!group) throw new ApiError('NOT_FOUND', 'no group here');
    await assertCanRead(sql, actor, { officeId: group.officeId }, 'group');
    const members = await sql<z.infer<typeof Member>[]>`
      SELECT m.id::text, m.member_kind AS kind, m.role, coalesce(u.name, l.name) AS name, coalesce(l.mobile, u.mobile) AS mobile,
        l.position, l.society_id AS "societyId", s.name_bn AS "societyNameBn",
        coalesce(l.preferred_channel, u.preferred_channel) AS "preferredChannel",
        coalesce(l.whatsapp_consent_at, u.whatsapp_consent_at) IS NOT NULL AS "whatsappConsent", to_json(m.joined_at)#>>'{}' AS "joinedAt"
      FROM group_members m LEFT JOIN users u ON u.id = m.user_id LEFT JOIN society_leaders l ON l.id = m.leader_id
      LEFT JOIN societies s ON s.id = l.society_id
      WHERE m.group_id = ${id} AND m.left_at IS NULL
      ORDER BY CASE m.role WHEN 'admin' THEN 0 WHEN 'monitor' THEN 1 ELSE 2 END, s.name_bn NULLS FIRST, l.position, name`;
    return c.json({ group, members }, 200);
  });

  async function societyPlace(id: string) {
    const [s] = await sql<{ office_id: string }[]>`SELECT office_id FROM societies WHERE id = ${id}`;
    if (!s) throw new ApiError('NOT_FOUND', 'no society here');
    return { officeId: s.office_id, societyId: id };
  }

  app.openapi(routes.electLeader, async (c) => {
    const actor = requireActor(c);
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    await assertCanWrite(sql, actor, 'society.register', await societyPlace(id), 'society');
    const leaderId = randomUUID();
    await sql.begin(async (tx) => {
      await tx`UPDATE society_leaders SET ended_on = greatest(elected_on, ${body.electedOn}::date) WHERE society_id = ${id} AND position = ${body.position} AND ended_on IS NULL`;
      await tx`
        INSERT INTO society_leaders (id, society_id, position, name, mobile, elected_on, preferred_channel, whatsapp_consent_at, consent_recorded_by)
        VALUES (${leaderId}, ${id}, ${body.position}, ${body.name}, ${body.mobile}, ${body.electedOn}, ${body.preferredChannel},
          ${body.whatsappConsent ? new Date() : null}, ${body.whatsappConsent ? actor.id : null})`;
    });
    await syncGroups(sql);
    const leader = { id: leaderId, societyId: id, position: body.position, name: body.name, mobile: body.mobile, electedOn: body.electedOn, preferredChannel: body.preferredChannel, whatsappConsent: body.whatsappConsent };
    return c.json({ leader }, 201);
  });

  app.openapi(routes.register, async (c) => {
    const actor = requireActor(c);
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    await assertCanWrite(sql, actor, 'society.register', await societyPlace(id), 'society');
    if (Object.keys(body).length === 0) throw new ApiError('BAD_REQUEST', 'nothing to change: send active, lastAgmOn, lastAuditOn or electionDueOn', 'active');
    const sets = [
      ...(body.active === undefined ? [] : [sql`active_changed_at = CASE WHEN active <> ${body.active} THEN now() ELSE active_changed_at END`, sql`active = ${body.active}`]),
      ...(body.lastAgmOn === undefined ? [] : [sql`last_agm_on = ${body.lastAgmOn}`]),
      ...(body.lastAuditOn === undefined ? [] : [sql`last_audit_on = ${body.lastAuditOn}`]),
      ...(body.electionDueOn === undefined ? [] : [sql`election_due_on = ${body.electionDueOn}`]),
    ];
    await sql`UPDATE societies SET ${sets.reduce((all, one) => sql`${all}, ${one}`)} WHERE id = ${id}`;
    const { joined, left } = await syncGroups(sql);
    return c.json({ joined, left }, 200);
  });
}
