// The HTTP server process: the API (and, from issue 5, the web app) on one port.
import { Client, Connection } from '@temporalio/client';
import { parseEnv } from '../config/env';
import { createSql } from '../db/client';
import { closeChromium } from '../runtime/chromium';
import { reportEventLoop } from '../runtime/event-loop-report';
import { temporalTarget } from '../temporal/connection-options';
import { createApp } from './app';
import { bkashAccountsFromEnv } from './bkash-config';
import { whatsappWebhookSettings } from '../whatsapp/config';
import { loadWebHandler, serveWebAndApi } from './serve-web-and-api';

const env = parseEnv();
if (env.LOAD_REPORT_MS) reportEventLoop('api', env.LOAD_REPORT_MS);
const sql = createSql({ url: env.DATABASE_URL!, ssl: env.DATABASE_SSL, sslCa: env.DATABASE_SSL_CA, max: env.DATABASE_POOL_MAX, application: 'asrayon-api' });
const target = temporalTarget(env);
const connection = await Connection.connect({ address: target.address, tls: target.tls, apiKey: target.apiKey, connectTimeout: 10_000 });
const temporal = new Client({ connection, namespace: target.namespace });
// Behind https (PUBLIC_URL) cookies are Secure and the web app sees https as its origin.
const secure = env.PUBLIC_URL?.startsWith('https://') ?? false;
const app = createApp({ secureCookies: secure, whatsappWebhook: whatsappWebhookSettings(env), publicUrl: env.PUBLIC_URL, sql, temporal, taskQueue: env.TEMPORAL_TASK_QUEUE, links: { temporalUi: env.TEMPORAL_UI_URL ?? null }, bkash: bkashAccountsFromEnv(env) });

const web = await loadWebHandler();
if (!web) console.error('[api] web/build is missing: serving the API only (node scripts/build-web.mjs builds it)');
const server = serveWebAndApi(app, web, { secure });
server.listen(env.PORT, env.HOST, () => console.error(`[api] listening on http://${env.HOST}:${env.PORT}${web ? ' (web app and API)' : ''}`));

async function shutdown() {
  server.close();
  await closeChromium();
  await connection.close();
  await sql.end({ timeout: 5 });
  process.exit(0);
}
process.once('SIGINT', () => void shutdown());
process.once('SIGTERM', () => void shutdown());
