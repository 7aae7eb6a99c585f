// Login attempts are limited per account and per address, counted from the login_attempts table
// so the limit holds across API processes.
import type { Sql } from '../../db/client';

export const LIMITS = {
  perLogin: { failures: 5, windowMinutes: 15 },
  perAddress: { failures: 20, windowMinutes: 15 },
};

/** Seconds until another attempt is allowed, or 0. */
export async function loginBlockedFor(sql: Sql, login: string, address: string): Promise<number> {
  const [row] = await sql<[{ by_login: number; by_address: number; oldest_login: Date | null; oldest_address: Date | null }]>`
    SELECT
      count(*) FILTER (WHERE login = ${login} AND at > now() - ${`${LIMITS.perLogin.windowMinutes} minutes`}::interval)::int AS by_login,
      count(*) FILTER (WHERE address = ${address} AND at > now() - ${`${LIMITS.perAddress.windowMinutes} minutes`}::interval)::int AS by_address,
      min(at) FILTER (WHERE login = ${login} AND at > now() - ${`${LIMITS.perLogin.windowMinutes} minutes`}::interval) AS oldest_login,
      min(at) FILTER (WHERE address = ${address} AND at > now() - ${`${LIMITS.perAddress.windowMinutes} minutes`}::interval) AS oldest_address
    FROM login_attempts
    WHERE NOT succeeded AND (login = ${login} OR address = ${address})
      AND at > now() - ${`${Math.max(LIMITS.perLogin.windowMinutes, LIMITS.perAddress.windowMinutes)} minutes`}::interval`;
  const wait = (oldest: Date | null, minutes: number) => (oldest ? Math.max(1, Math.ceil((oldest.getTime() + minutes * 60_000 - Date.now()) / 1000)) : 0);
  if (row.by_login >= LIMITS.perLogin.failures) return wait(row.oldest_login, LIMITS.perLogin.windowMinutes);
  if (row.by_address >= LIMITS.perAddress.failures) return wait(row.oldest_address, LIMITS.perAddress.windowMinutes);
  return 0;
}

export async function recordLoginAttempt(sql: Sql, login: string, address: string, succeeded: boolean): Promise<void> {
  await sql`INSERT INTO login_attempts (login, address, succeeded) VALUES (${login}, ${address}, ${succeeded})`;
  if (succeeded) await sql`DELETE FROM login_attempts WHERE login = ${login} AND NOT succeeded`;
}
