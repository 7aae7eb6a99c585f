// The HTTP server process: the API (and, from issue 5, the web app) on one port.
import { serve } from '@hono/node-server';
import { Client, Connection } from '@temporalio/client';
import { parseEnv } from '../config/env';
import { createSql } from '../db/client';
import { temporalTarget } from '../temporal/connection-options';
import { createApp } from './app';
import { bkashAccountsFromEnv } from './bkash-config';

const env = parseEnv();
const sql = createSql({ url: env.DATABASE_URL!, ssl: env.DATABASE_SSL, sslCa: env.DATABASE_SSL_CA, max: env.DATABASE_POOL_MAX, application: 'asrayon-api' });
const target = temporalTarget(env);
const connection = await Connection.connect({ address: target.address, tls: target.tls, apiKey: target.apiKey, connectTimeout: 10_000 });
const temporal = new Client({ connection, namespace: target.namespace });
const app = createApp({ sql, temporal, taskQueue: env.TEMPORAL_TASK_QUEUE, links: { temporalUi: env.TEMPORAL_UI_URL ?? null }, bkash: bkashAccountsFromEnv(env) });

const server = serve({ fetch: app.fetch, port: env.PORT, hostname: env.HOST }, (info) => {
  console.error(`[api] listening on http://${info.address}:${info.port}`);
});

async function shutdown() {
  server.close();
  await connection.close();
  await sql.end({ timeout: 5 });
  process.exit(0);
}
process.once('SIGINT', () => void shutdown());
process.once('SIGTERM', () => void shutdown());
