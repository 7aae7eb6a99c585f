// The environment, parsed once at start-up and passed on; nothing else reads process.env.
import path from 'node:path';
import { z } from 'zod';
import { smsEnvShape } from '../sms/config';
import { whatsappEnvShape } from '../whatsapp/config';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .optional()
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v && v.trim() ? v.trim() : undefined));

const port = (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback);

export const envSchema = z.object({
  PORT: port(3000),
  HOST: z.string().default('127.0.0.1'),
  DATA_DIR: z.string().default('./data'),
  RULES_DIR: z.string().default('./rules'),
  DATABASE_URL: optionalText.pipe(z.string().url('DATABASE_URL must be a postgres:// URL').optional()),
  DATABASE_SSL: z.enum(['disable', 'require', 'verify-full']).default('disable'),
  DATABASE_SSL_CA: optionalText,
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(500).default(10),
  /** The worker's statements wait at most this long for a row lock, then the activity fails and is retried (db/client.ts). */
  WORKER_LOCK_TIMEOUT_MS: z.coerce.number().int().min(0).default(10_000),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  TEMPORAL_ADDRESS: optionalText,
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('asrayon-loans'),
  TEMPORAL_TLS: bool,
  TEMPORAL_TLS_CA: optionalText,
  TEMPORAL_TLS_CERT: optionalText,
  TEMPORAL_TLS_KEY: optionalText,
  TEMPORAL_TLS_SERVER_NAME: optionalText,
  TEMPORAL_API_KEY: optionalText,
  TEMPORAL_DEV_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  TEMPORAL_UI_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  TEMPORAL_UI_URL: optionalText,
  /** A prebuilt workflow bundle (bundleWorkflowCode output) for the worker, instead of bundling at start. */
  WORKFLOW_BUNDLE_PATH: optionalText,
  /**
   * Workflows a worker keeps in memory between tasks. It, not the portfolio, sets the worker's
   * memory: the SDK's own default grows with the heap (~2 300 here) and took a worker to 1.66 GB in a
   * 10 000-loan deadline herd, 1 000 at 1.1 GB in the same herd (which it also cleared sooner:
   * 191 s instead of 223 s; docs/benchmarks.md).
   */
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).max(100_000).default(1_000),
  /**
   * CPU priority of the worker and the Temporal dev server below the API's when `npm start` runs
   * them on one machine (nice, 0–19; 0 = all equal): the webhook's answer first, the ledger after.
   */
  BACKGROUND_NICENESS: z.coerce.number().int().min(0).max(19).default(10),
  /** Every this many ms the API writes its event loop's delay and CPU share to its log (0: never). */
  LOAD_REPORT_MS: z.coerce.number().int().min(0).default(0),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  ...smsEnvShape,
  ...whatsappEnvShape,
  BKASH_MODE: z.enum(['off', 'live', 'simulator']).default('off'),
  /** Stored payments the API hands to their workflows at once (0: all left to the worker's delivery sweeper). */
  PAYMENT_DELIVERY_IN_API: z.coerce.number().int().min(0).max(256).default(8),
  BKASH_BASE_URL: optionalText,
  BKASH_USERNAME: optionalText,
  BKASH_PASSWORD: optionalText,
  BKASH_APP_KEY: optionalText,
  BKASH_APP_SECRET: optionalText,
  /** JSON: { "<upazila office id>": { "shortCode": "017…", "topicArns": ["arn:aws:sns:…"] } } */
  BKASH_ACCOUNTS: optionalText,
  BKASH_SIMULATOR_URL: optionalText,
  /** Where bKash sends the payer's browser back to (https in production). Default http://HOST:PORT. */
  PUBLIC_URL: optionalText,
});

export type Env = z.infer<typeof envSchema> & { dataDir: string; rulesDir: string };

export class EnvError extends Error {
  override name = 'EnvError';
}

export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new EnvError(`invalid configuration:\n${lines.join('\n')}\n(see .env.example)`);
  }
  const env = result.data;
  if ((env.TEMPORAL_TLS_CERT === undefined) !== (env.TEMPORAL_TLS_KEY === undefined)) {
    throw new EnvError('invalid configuration:\n  TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY must be given together (mTLS)');
  }
  return { ...env, dataDir: path.resolve(env.DATA_DIR), rulesDir: path.resolve(env.RULES_DIR) };
}
