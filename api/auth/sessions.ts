// Sessions live in the database; the cookie carries a random token, the table only its hash.
import { createHash, randomBytes } from 'node:crypto';
import type { Sql } from '../../db/client';
import type { Actor } from '../access/actor';

export const SESSION_COOKIE = 'asrayon_session';
export const SESSION_TTL_MS = 12 * 3_600_000;

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export async function createSession(sql: Sql, userId: string, meta: { address: string; userAgent: string }): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
  await sql`INSERT INTO sessions (token_hash, user_id, expires_at, address, user_agent)
    VALUES (${hashToken(token)}, ${userId}, ${expiresAt}, ${meta.address}, ${meta.userAgent.slice(0, 300)})`;
  return { token, expiresAt };
}

/** The active user behind a session token, sliding the session's expiry; null when none. */
export async function actorForSession(sql: Sql, token: string): Promise<Actor | null> {
  const [row] = await sql<Actor[]>`
    UPDATE sessions s SET last_seen_at = now(), expires_at = now() + ${`${SESSION_TTL_MS} milliseconds`}::interval
    FROM users u
    WHERE s.token_hash = ${hashToken(token)} AND s.expires_at > now() AND u.id = s.user_id AND u.active
    RETURNING u.id, u.username, u.name, u.role, u.office_id AS "officeId", u.society_id AS "societyId", u.language,
      u.must_change_password AS "mustChangePassword"`;
  return row ?? null;
}

export async function endSession(sql: Sql, token: string): Promise<void> {
  await sql`DELETE FROM sessions WHERE token_hash = ${hashToken(token)}`;
}

export async function endAllSessions(sql: Sql, userId: string, except?: string): Promise<void> {
  await sql`DELETE FROM sessions WHERE user_id = ${userId} AND token_hash <> ${except ? hashToken(except) : ''}`;
}
