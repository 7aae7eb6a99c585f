// The Hono app behind /api. Routes register themselves and are described by the OpenAPI document
// generated from the same zod schemas that validate them; errors leave through one renderer.
import { randomUUID } from 'node:crypto';
import { OpenAPIHono } from '@hono/zod-openapi';
import { getCookie } from 'hono/cookie';
import { actorForSession, SESSION_COOKIE } from './auth/sessions';
import type { App, AppDeps, AppEnv } from './app-env';
import { ApiError, renderError, validationHook } from './errors';
import { registerExports } from './exports/routes';
import { mountBkash } from './bkash-setup';
import { registerAuth } from './routes/auth';
import { registerBorrowers } from './routes/borrowers';
import { registerCorrections } from './routes/corrections';
import { registerHealth } from './routes/health';
import { registerHome } from './routes/home';
import { registerImports } from './routes/imports';
import { registerLoans } from './routes/loans';
import { registerOffices } from './routes/offices';
import { registerPayments } from './routes/payments';
import { registerReconciliation } from './routes/reconciliation';
import { registerReports } from './routes/reports';
import { registerUsers } from './routes/users';

export type { AppDeps, AppEnv } from './app-env';

export function createApp(deps: AppDeps): App {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.use(async (c, next) => {
    const requestId = c.req.header('x-request-id')?.slice(0, 64) || randomUUID();
    c.set('requestId', requestId);
    c.header('x-request-id', requestId);
    const token = getCookie(c, SESSION_COOKIE) ?? null;
    c.set('sessionToken', token);
    c.set('actor', token ? await actorForSession(deps.sql, token) : null);
    await next();
  });
  registerHealth(app, deps);
  registerAuth(app, deps);
  registerUsers(app, deps);
  registerOffices(app, deps);
  registerBorrowers(app, deps);
  registerLoans(app, deps);
  registerReports(app, deps);
  registerExports(app, deps);
  registerCorrections(app, deps);
  registerPayments(app, deps);
  registerReconciliation(app, deps);
  mountBkash(app, deps);
  registerHome(app, deps);
  registerImports(app, deps);
  app.doc31('/api/openapi.json', {
    openapi: '3.1.0',
    info: { title: 'Asrayon API', version: '0.1.0', description: 'Ashrayan housing-project loans: offices, borrowers, loans, payments.' },
  });
  app.notFound((c) => renderError(new ApiError('NOT_FOUND', `no route ${c.req.method} ${c.req.path}`), c));
  app.onError((err, c) => renderError(err, c));
  return app;
}
