// argon2id password hashes (OWASP's minimum: 19 MiB, 2 passes, 1 lane).
import { hash, verify } from '@node-rs/argon2';

// `algorithm: 2` is Algorithm.Argon2id (a const enum, which isolated modules cannot read).
const OPTIONS = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

/** Why a new password is not acceptable, or null. */
export function passwordProblem(password: string, username: string): string | null {
  if (password.length < 10) return 'a password needs at least 10 characters';
  if (password.length > 200) return 'a password may have at most 200 characters';
  if (password.toLowerCase().includes(username.toLowerCase())) return 'a password must not contain the username';
  return null;
}

// A hash of a random password, verified against when the account does not exist, so a missing
// account takes as long to refuse as a wrong password.
export const DUMMY_HASH = hash('not-a-real-password-8b1f3c', OPTIONS);
