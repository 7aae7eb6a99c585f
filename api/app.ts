// The Hono app behind /api. Routes register themselves; errors leave through one renderer.
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { Hono } from 'hono';
import type { Sql } from '../db/client';
import { ApiError, renderError } from './errors';
import { registerHealth } from './routes/health';
import { registerHome } from './routes/home';

export interface AppDeps {
  sql: Sql;
  temporal: Client;
  links?: { temporalUi?: string | null };
}

export type AppEnv = { Variables: { requestId: string } };

export function createApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use(async (c, next) => {
    const requestId = c.req.header('x-request-id')?.slice(0, 64) || randomUUID();
    c.set('requestId', requestId);
    c.header('x-request-id', requestId);
    await next();
  });
  registerHealth(app, deps);
  registerHome(app, deps);
  app.notFound((c) => renderError(new ApiError('NOT_FOUND', `no route ${c.req.method} ${c.req.path}`), c));
  app.onError((err, c) => renderError(err, c));
  return app;
}
