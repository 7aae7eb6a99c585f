// The Temporal worker process: runs loan workflows and their activities until SIGINT/SIGTERM.
import { readFile } from 'node:fs/promises';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { parseEnv } from '../config/env';
import { createSql } from '../db/client';
import { PolicyStore } from '../policy/policy-store';
import { temporalTarget } from '../temporal/connection-options';
import { createLoanWorker } from './create-worker';
import { ensureQuarterlySchedule, ensureSingletons } from './singletons';
import { smsSettings } from '../sms/config';
import { whatsappClient } from '../whatsapp/config';
import { ensureSmsDispatcher } from '../sms/singleton';

const env = parseEnv();
Runtime.install({ logger: new DefaultLogger(env.LOG_LEVEL === 'debug' ? 'DEBUG' : env.LOG_LEVEL === 'info' ? 'WARN' : env.LOG_LEVEL === 'warn' ? 'WARN' : 'ERROR') });
const sql = createSql({ url: env.DATABASE_URL!, ssl: env.DATABASE_SSL, sslCa: env.DATABASE_SSL_CA, max: env.DATABASE_POOL_MAX, application: 'asrayon-worker', lockTimeoutMs: env.WORKER_LOCK_TIMEOUT_MS });
const policy = await PolicyStore.open(env.rulesDir, {
  onRefused: (r) => console.error(`[rules] refused ${r.file}${r.path ? ` at ${r.path}` : ''}: ${r.reason} — the previous good version stays in force`),
});
const workflowBundle = env.WORKFLOW_BUNDLE_PATH ? { code: await readFile(env.WORKFLOW_BUNDLE_PATH, 'utf8') } : undefined;
const { worker, close, temporal } = await createLoanWorker({
  target: temporalTarget(env),
  taskQueue: env.TEMPORAL_TASK_QUEUE,
  sql,
  policy,
  workflowBundle,
  tuning: { maxCachedWorkflows: env.WORKER_MAX_CACHED_WORKFLOWS },
  sms: smsSettings(env),
  whatsapp: whatsappClient(env),
  publicUrl: env.PUBLIC_URL ?? `http://${env.HOST}:${env.PORT}`,
});
await ensureSingletons(temporal, env.TEMPORAL_TASK_QUEUE);
await ensureQuarterlySchedule(temporal, env.TEMPORAL_TASK_QUEUE);
await ensureSmsDispatcher(temporal, env.TEMPORAL_TASK_QUEUE);
console.error(`[worker] polling task queue ${env.TEMPORAL_TASK_QUEUE} on ${env.TEMPORAL_ADDRESS} (policy ${(await policy.get()).version})`);
await worker.run(); // resolves after shutdown() — the SDK handles SIGINT/SIGTERM itself
await close();
await sql.end({ timeout: 5 });
console.error('[worker] stopped');
