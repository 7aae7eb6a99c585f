import { randomUUID } from 'node:crypto';
import { createRoute, z } from '@hono/zod-openapi';
import { ROLES, type Actor, type Role } from '../access/actor';
import { requireActor } from '../access/require-actor';
import { assertCanWrite, scopeFilter } from '../access/scope';
import type { App, AppDeps } from '../app-env';
import { hashPassword, passwordProblem } from '../auth/passwords';
import { endAllSessions } from '../auth/sessions';
import { ApiError, errorResponses } from '../errors';
import { Id, Mobile, Page, PageQuery, UserView } from '../schemas';
import { decodeCursor, page } from '../pagination';

const ROLE_LEVEL = {
  hq_admin: 'hq',
  divisional_officer: 'division',
  district_officer: 'district',
  upazila_officer: 'upazila',
  collector: 'upazila',
  auditor: null, // any level
  society_rep: 'upazila',
} as const;

const NewUser = z.object({
  username: z.string().regex(/^[a-z0-9._-]{3,40}$/, 'must be 3–40 lower-case letters, digits, dots, dashes or underscores'),
  mobile: Mobile.optional(),
  name: z.string().trim().min(1).max(120),
  role: z.enum(ROLES),
  officeId: Id,
  societyId: Id.optional(),
  password: z.string().min(1).max(200),
  language: z.enum(['bn', 'en']).default('bn'),
});

const UserParams = z.object({ id: z.string().uuid() });

const create = createRoute({
  method: 'post', path: '/api/users', summary: 'Create an account (own office; hq_admin: any office)',
  request: { body: { content: { 'application/json': { schema: NewUser } }, required: true } },
  responses: { 201: { description: 'created', content: { 'application/json': { schema: z.object({ user: UserView }) } } }, ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT') },
});
const list = createRoute({
  method: 'get', path: '/api/users', summary: 'Accounts in my part of the country',
  request: { query: PageQuery },
  responses: { 200: { description: 'accounts', content: { 'application/json': { schema: Page(UserView.extend({ active: z.boolean() })) } } }, ...errorResponses('UNAUTHORIZED') },
});
const reset = createRoute({
  method: 'post', path: '/api/users/{id}/reset-password', summary: 'Give an account a new password that must be changed at next login',
  request: { params: UserParams, body: { content: { 'application/json': { schema: z.object({ newPassword: z.string().min(1).max(200) }) } }, required: true } },
  responses: { 204: { description: 'reset' }, ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND') },
});
const deactivate = createRoute({
  method: 'post', path: '/api/users/{id}/deactivate', summary: 'Deactivate an account and end its sessions',
  request: { params: UserParams },
  responses: { 204: { description: 'deactivated' }, ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND') },
});

/** Higher outranks lower; officers of the upazila's staff and the society's leaders are below the UCO. */
const RANK: Record<Role, number> = { hq_admin: 5, divisional_officer: 4, district_officer: 3, upazila_officer: 2, collector: 1, auditor: 1, society_rep: 0 };

export function registerUsers(app: App, { sql }: AppDeps): void {
  async function target(id: string) {
    const [u] = await sql<{ id: string; username: string; office_id: string; society_id: string | null; role: Role }[]>`
      SELECT id, username, office_id, society_id, role FROM users WHERE id = ${id}`;
    if (!u) throw new ApiError('NOT_FOUND', 'no such account here');
    return u;
  }

  /**
   * Resetting or deactivating an account is for someone above it: never one's own account (a stolen
   * session must not be able to lock the owner out without the current password), and never a
   * colleague of the same or a higher rank (a UCO cannot take over another UCO's account).
   */
  function assertOutranks(actor: Actor, u: { id: string; role: Role }, what: string): void {
    if (u.id === actor.id) throw new ApiError('BAD_REQUEST', `you cannot ${what} your own account here; change your own password with your current one`, 'id');
    if (actor.role !== 'hq_admin' && RANK[u.role] >= RANK[actor.role]) {
      throw new ApiError('FORBIDDEN', `a ${actor.role.replace(/_/g, ' ')} cannot ${what} the account of a ${u.role.replace(/_/g, ' ')}`);
    }
  }

  app.openapi(create, async (c) => {
    const actor = requireActor(c);
    const body = c.req.valid('json');
    const [office] = await sql<{ level: string }[]>`SELECT level FROM offices WHERE id = ${body.officeId}`;
    if (!office) throw new ApiError('NOT_FOUND', `no office ${body.officeId} here`, 'officeId');
    await assertCanWrite(sql, actor, 'user.manage', { officeId: body.officeId }, 'office');
    // As with reset and deactivate: an office creates accounts below its own rank (headquarters: any).
    if (actor.role !== 'hq_admin' && RANK[body.role] >= RANK[actor.role]) {
      throw new ApiError('FORBIDDEN', `a ${actor.role.replace(/_/g, ' ')} cannot create a ${body.role.replace(/_/g, ' ')} account; headquarters can`, 'role');
    }
    const level = ROLE_LEVEL[body.role];
    if (level && level !== office.level) throw new ApiError('BAD_REQUEST', `a ${body.role} belongs to a ${level} office, not a ${office.level} office`, 'role');
    if ((body.role === 'society_rep') !== !!body.societyId) throw new ApiError('BAD_REQUEST', 'a society representative, and only one, needs a societyId', 'societyId');
    if (body.societyId) {
      const [s] = await sql`SELECT 1 FROM societies WHERE id = ${body.societyId} AND office_id = ${body.officeId}`;
      if (!s) throw new ApiError('BAD_REQUEST', `society ${body.societyId} is not in office ${body.officeId}`, 'societyId');
    }
    const problem = passwordProblem(body.password, body.username);
    if (problem) throw new ApiError('BAD_REQUEST', problem, 'password');
    const id = randomUUID();
    const hash = await hashPassword(body.password);
    try {
      await sql.begin(async (tx) => {
        await tx`INSERT INTO users (id, username, mobile, name, role, office_id, society_id, password_hash, language, must_change_password, created_by)
          VALUES (${id}, ${body.username}, ${body.mobile ?? null}, ${body.name}, ${body.role}, ${body.officeId}, ${body.societyId ?? null}, ${hash},
            ${body.language}, true, ${actor.id})`;
        await tx`INSERT INTO user_events (user_id, kind, actor, detail) VALUES (${id}, 'created', ${actor.id}, ${tx.json({ role: body.role, officeId: body.officeId })})`;
      });
    } catch (err) {
      if ((err as { code?: string }).code === '23505') throw new ApiError('CONFLICT', 'that username or mobile number already has an account', 'username');
      throw err;
    }
    const user = { id, username: body.username, name: body.name, role: body.role, officeId: body.officeId, societyId: body.societyId ?? null, language: body.language, mustChangePassword: true };
    return c.json({ user }, 201);
  });

  app.openapi(list, async (c) => {
    const actor = requireActor(c);
    const { cursor, limit } = c.req.valid('query');
    const after = decodeCursor(cursor);
    const rows = await sql<(z.infer<typeof UserView> & { active: boolean })[]>`
      SELECT id, username, name, role, office_id AS "officeId", society_id AS "societyId", language,
        must_change_password AS "mustChangePassword", active
      FROM users WHERE ${scopeFilter(sql, actor)} ${after ? sql`AND username > ${String(after.k)}` : sql``}
      ORDER BY username LIMIT ${limit + 1}`;
    return c.json(page(rows, limit, (r) => ({ k: r.username, id: r.id })), 200);
  });

  app.openapi(reset, async (c) => {
    const actor = requireActor(c);
    const u = await target(c.req.valid('param').id);
    await assertCanWrite(sql, actor, 'user.manage', { officeId: u.office_id, societyId: u.society_id }, 'account');
    assertOutranks(actor, u, 'reset the password of');
    const { newPassword } = c.req.valid('json');
    const problem = passwordProblem(newPassword, u.username);
    if (problem) throw new ApiError('BAD_REQUEST', problem, 'newPassword');
    const hash = await hashPassword(newPassword);
    await sql.begin(async (tx) => {
      await tx`UPDATE users SET password_hash = ${hash}, must_change_password = true WHERE id = ${u.id}`;
      await tx`INSERT INTO user_events (user_id, kind, actor) VALUES (${u.id}, 'password_reset', ${actor.id})`;
    });
    await endAllSessions(sql, u.id);
    return c.body(null, 204);
  });

  app.openapi(deactivate, async (c) => {
    const actor = requireActor(c);
    const u = await target(c.req.valid('param').id);
    await assertCanWrite(sql, actor, 'user.manage', { officeId: u.office_id, societyId: u.society_id }, 'account');
    assertOutranks(actor, u, 'deactivate');
    await sql.begin(async (tx) => {
      await tx`UPDATE users SET active = false WHERE id = ${u.id}`;
      await tx`INSERT INTO user_events (user_id, kind, actor) VALUES (${u.id}, 'deactivated', ${actor.id})`;
    });
    await endAllSessions(sql, u.id);
    return c.body(null, 204);
  });
}
