import type { Context } from 'hono';
import type { AppEnv } from '../app-env';
import { ApiError } from '../errors';
import type { Actor } from './actor';

/** The logged-in person, or 401. A person who must change their password may do only that. */
export function requireActor(c: Context<AppEnv>, opts: { allowPasswordChangePending?: boolean } = {}): Actor {
  const actor = c.get('actor');
  if (!actor) throw new ApiError('UNAUTHORIZED', 'log in first');
  if (actor.mustChangePassword && !opts.allowPasswordChangePending) {
    throw new ApiError('FORBIDDEN', 'your password was reset; choose a new one before anything else');
  }
  return actor;
}
