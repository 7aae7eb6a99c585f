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
import { applyWhatsAppStatuses } from '../network/apply-whatsapp-statuses';
import { whatsappWebhookRoutes } from '../whatsapp/webhook';
import { registerAuth } from './routes/auth';
import { registerBorrowers } from './routes/borrowers';
import { registerCorrectionAttachments } from './routes/correction-attachments';
import { registerCorrections } from './routes/corrections';
import { registerDashboard } from './routes/dashboard';
import { registerHealth } from './routes/health';
import { registerImports } from './routes/imports';
import { registerDefaulters } from './routes/defaulters';
import { registerLoans } from './routes/loans';
import { registerMessages } from './routes/messages';
import { registerNetwork } from './routes/network';
import { registerNetworkEvaluationPdf } from './routes/network-evaluation-pdf';
import { registerNetworkReports } from './routes/network-reports';
import { registerNotices } from './routes/notices';
import { registerOffices } from './routes/offices';
import { registerPayments } from './routes/payments';
import { registerReconciliation } from './routes/reconciliation';
import { registerReports } from './routes/reports';
import { registerRules } from './routes/rules';
import { registerSocietyRegister } from './routes/society-register';
import { registerSocietySummary } from './routes/society-summary';
import { registerUsers } from './routes/users';

import { crossSiteGuard } from './cross-site';

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
  app.use('/api/*', crossSiteGuard({ publicUrl: deps.publicUrl }));
  registerHealth(app, deps);
  registerAuth(app, deps);
  registerUsers(app, deps);
  registerOffices(app, deps);
  registerBorrowers(app, deps);
  registerLoans(app, deps);
  registerDefaulters(app, deps);
  registerReports(app, deps);
  registerDashboard(app, deps);
  registerSocietySummary(app, deps);
  registerExports(app, deps);
  registerCorrections(app, deps);
  registerCorrectionAttachments(app, deps);
  registerPayments(app, deps);
  registerReconciliation(app, deps);
  mountBkash(app, deps);
  if (deps.whatsappWebhook) {
    const settings = deps.whatsappWebhook;
    app.route('/api/whatsapp/webhook', whatsappWebhookRoutes({ ...settings, onStatuses: async (s) => void (await applyWhatsAppStatuses(deps.sql, s)) }));
  }
  registerImports(app, deps);
  registerMessages(app, deps);
  registerNetwork(app, deps);
  registerNetworkReports(app, deps);
  registerNetworkEvaluationPdf(app, deps);
  registerSocietyRegister(app, deps);
  registerNotices(app, deps);
  registerRules(app, deps);
  app.doc31('/api/openapi.json', {
    openapi: '3.1.0',
    info: { title: 'Asrayon API', version: '0.1.0', description: 'Ashrayan housing-project loans: offices, borrowers, loans, payments.' },
  });
  app.notFound((c) => renderError(new ApiError('NOT_FOUND', `no route ${c.req.method} ${c.req.path}`), c));
  app.onError((err, c) => renderError(err, c));
  return app;
}
