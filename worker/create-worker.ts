import { createRequire } from 'node:module';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../activities';
import { createSmsActivities } from '../sms/activities';
import type { SmsSettings } from '../sms/config';
import type { QuietHours } from '../sms/quiet-hours';
import type { NoticeWhatsApp } from '../network/notice-channel';
import type { Sql } from '../db/client';
import type { PolicyStore } from '../policy/policy-store';
import type { TemporalTarget } from '../temporal/connection-options';

const require = createRequire(import.meta.url);
export const WORKFLOWS_PATH = require.resolve('../workflows/index.ts');

export interface LoanWorkerOptions {
  target: TemporalTarget;
  taskQueue: string;
  sql: Sql;
  policy: PolicyStore;
  /** A pre-built workflow bundle (tests build one once); otherwise the workflows are bundled now. */
  workflowBundle?: { code: string };
  /** The SMS channel; without it the worker runs no SMS dispatcher activities (tests of other parts). */
  sms?: SmsSettings;
  /** WhatsApp for notices; without it notices go by app and SMS only. */
  whatsapp?: NoticeWhatsApp | null;
  /** The web app's address, for links in messages. */
  publicUrl?: string;
  tuning?: Partial<Pick<WorkerOptions, 'maxConcurrentActivityTaskExecutions' | 'maxConcurrentWorkflowTaskExecutions' | 'maxCachedWorkflows'>>;
  /** Activity interceptors (a fault test kills the server at a chosen moment with one). */
  interceptors?: WorkerOptions['interceptors'];
}

export async function createLoanWorker(opts: LoanWorkerOptions): Promise<{ worker: Worker; connection: NativeConnection; temporal: Client; close(): Promise<void> }> {
  const connection = await NativeConnection.connect({ address: opts.target.address, tls: opts.target.tls, apiKey: opts.target.apiKey });
  const clientConnection = await Connection.connect({ address: opts.target.address, tls: opts.target.tls, apiKey: opts.target.apiKey });
  const temporal = new Client({ connection: clientConnection, namespace: opts.target.namespace });
  const worker = await Worker.create({
    connection,
    namespace: opts.target.namespace,
    taskQueue: opts.taskQueue,
    activities: { ...createActivities({ sql: opts.sql, policy: opts.policy, temporal, taskQueue: opts.taskQueue, whatsapp: opts.whatsapp ?? undefined, publicUrl: opts.publicUrl }), ...(opts.sms ? createSmsActivities({ sql: opts.sql, ...opts.sms, quietHours: quietHoursFromPolicy(opts.policy, opts.sms.quietHours) }) : {}) },
    ...(opts.workflowBundle ? { workflowBundle: opts.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    ...opts.tuning,
    ...(opts.interceptors ? { interceptors: opts.interceptors } : {}),
  });
  return {
    worker,
    connection,
    temporal,
    close: async () => {
      await clientConnection.close();
      await connection.close();
    },
  };
}

/** Quiet hours from the policy in force (rules/reminders.json), else the configured ones (SMS_QUIET_*). */
function quietHoursFromPolicy(policy: PolicyStore, fallback: QuietHours): () => Promise<QuietHours> {
  return async () => (await policy.get()).files.reminders.content.quietHours ?? fallback;
}
