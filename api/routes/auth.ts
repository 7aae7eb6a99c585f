import { createRoute, z } from '@hono/zod-openapi';
import { deleteCookie, setCookie } from 'hono/cookie';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import { requireActor } from '../access/require-actor';
import type { App, AppDeps, AppEnv } from '../app-env';
import { DUMMY_HASH, hashPassword, passwordProblem, verifyPassword } from '../auth/passwords';
import { loginBlockedFor, recordLoginAttempt } from '../auth/rate-limit';
import { createSession, endAllSessions, endSession, SESSION_COOKIE, SESSION_TTL_MS } from '../auth/sessions';
import { ApiError, errorResponses } from '../errors';
import { UserView } from '../schemas';

export function clientAddress(c: Context<AppEnv>): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'in-process';
  }
}

const login = createRoute({
  method: 'post',
  path: '/api/auth/login',
  summary: 'Log in with a username or mobile number and password',
  request: { body: { content: { 'application/json': { schema: z.object({ login: z.string().min(1).max(60), password: z.string().min(1).max(200) }) } }, required: true } },
  responses: { 200: { description: 'logged in; session cookie set', content: { 'application/json': { schema: z.object({ user: UserView }) } } }, ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'TOO_MANY_REQUESTS') },
});

const logout = createRoute({ method: 'post', path: '/api/auth/logout', summary: 'End this session', responses: { 204: { description: 'logged out' } } });

const me = createRoute({
  method: 'get',
  path: '/api/auth/me',
  summary: 'The logged-in user',
  responses: { 200: { description: 'the user', content: { 'application/json': { schema: z.object({ user: UserView }) } } }, ...errorResponses('UNAUTHORIZED') },
});

const changePassword = createRoute({
  method: 'post',
  path: '/api/auth/password',
  summary: 'Change my password (ends my other sessions)',
  request: { body: { content: { 'application/json': { schema: z.object({ currentPassword: z.string().min(1).max(200), newPassword: z.string().min(1).max(200) }) } }, required: true } },
  responses: { 204: { description: 'changed' }, ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED') },
});

const language = createRoute({
  method: 'post',
  path: '/api/auth/language',
  summary: 'Remember my language for the web app and messages (bn or en)',
  request: { body: { content: { 'application/json': { schema: z.object({ language: z.enum(['bn', 'en']) }) } }, required: true } },
  responses: { 204: { description: 'remembered' }, ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED') },
});

export function registerAuth(app: App, { sql, secureCookies }: AppDeps): void {
  app.openapi(login, async (c) => {
    const { login: who, password } = c.req.valid('json');
    const typed = who.trim().toLowerCase();
    const address = clientAddress(c);
    // A username that is also someone's mobile number means that account, not the other.
    const [user] = await sql<{ id: string; username: string; password_hash: string; active: boolean }[]>`
      SELECT id, username, password_hash, active FROM users WHERE username = ${typed} OR mobile = ${typed}
      ORDER BY username = ${typed} DESC LIMIT 1`;
    // Failures count against the account, whichever of its names (username, mobile) was typed: one lock.
    const key = user?.username ?? typed;
    const wait = await loginBlockedFor(sql, key, address);
    if (wait > 0) {
      c.header('Retry-After', String(wait));
      throw new ApiError('TOO_MANY_REQUESTS', `too many failed logins; try again in ${Math.ceil(wait / 60)} minute(s)`);
    }
    const ok = await verifyPassword(user?.password_hash ?? (await DUMMY_HASH), password);
    if (!user || !ok || !user.active) {
      await recordLoginAttempt(sql, key, address, false);
      throw new ApiError('UNAUTHORIZED', 'wrong username/mobile or password, or the account is deactivated');
    }
    await recordLoginAttempt(sql, key, address, true);
    const { token } = await createSession(sql, user.id, { address, userAgent: c.req.header('user-agent') ?? '' });
    setCookie(c, SESSION_COOKIE, token, { httpOnly: true, sameSite: 'Lax', secure: !!secureCookies, path: '/', maxAge: SESSION_TTL_MS / 1000 });
    const [view] = await sql`
      SELECT id, username, name, role, office_id AS "officeId", society_id AS "societyId", language, must_change_password AS "mustChangePassword"
      FROM users WHERE id = ${user.id}`;
    return c.json({ user: view as z.infer<typeof UserView> }, 200);
  });

  app.openapi(logout, async (c) => {
    const token = c.get('sessionToken');
    if (token) await endSession(sql, token);
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.body(null, 204);
  });

  app.openapi(me, (c) => c.json({ user: requireActor(c, { allowPasswordChangePending: true }) }, 200));

  app.openapi(language, async (c) => {
    const actor = requireActor(c, { allowPasswordChangePending: true });
    await sql`UPDATE users SET language = ${c.req.valid('json').language} WHERE id = ${actor.id}`;
    return c.body(null, 204);
  });

  app.openapi(changePassword, async (c) => {
    const actor = requireActor(c, { allowPasswordChangePending: true });
    const { currentPassword, newPassword } = c.req.valid('json');
    const [row] = await sql<[{ password_hash: string }]>`SELECT password_hash FROM users WHERE id = ${actor.id}`;
    if (!(await verifyPassword(row.password_hash, currentPassword))) throw new ApiError('BAD_REQUEST', 'the current password is wrong', 'currentPassword');
    const problem = passwordProblem(newPassword, actor.username);
    if (problem) throw new ApiError('BAD_REQUEST', problem, 'newPassword');
    const hash = await hashPassword(newPassword);
    await sql.begin(async (tx) => {
      await tx`UPDATE users SET password_hash = ${hash}, must_change_password = false WHERE id = ${actor.id}`;
      await tx`INSERT INTO user_events (user_id, kind, actor) VALUES (${actor.id}, 'password_changed', ${actor.id})`;
    });
    await endAllSessions(sql, actor.id, c.get('sessionToken') ?? undefined);
    return c.body(null, 204);
  });
}
