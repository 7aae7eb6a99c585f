// The production topology on one machine: one PostgreSQL (the application's database and Temporal's
// two), the real Temporal server on it, several worker processes on one task queue, several API/web
// processes, and one address in front. deploy/README.md says how the same parts spread over machines.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { createSql } from '../db/client';
import { migrate } from '../db/migrate';
import { WORKFLOWS_PATH } from '../worker/create-worker';
import { ensureDatabase, startEmbeddedPostgres, type EmbeddedDb } from './embedded-postgres';
import { say } from './log';
import { randomFreePort } from './ports';
import { startNodeProcess, waitForHttp, waitForOutput, type NodeProcess } from './node-process';
import { startRoundRobinProxy, type Proxy } from './round-robin-proxy';
import { provisionTemporalServer, startTemporalServerOnEmbedded, type TemporalServer } from './temporal-server';

export interface TopologyOptions {
  dataDir: string;
  workers?: number;
  apis?: number;
  /** The one address's port (default: any free port). */
  port?: number;
  /** Chosen when the cluster is created, never changed (deploy/README.md). */
  numHistoryShards?: number;
  taskQueue?: string;
  /** Extra environment for every worker and API process (SMS, bKash, rules …). */
  env?: Record<string, string>;
}

export interface Topology {
  url: string;
  temporalAddress: string;
  databaseUrl: string;
  taskQueue: string;
  pg: EmbeddedDb;
  temporal: TemporalServer;
  workers: NodeProcess[];
  apis: NodeProcess[];
  apiPorts: number[];
  proxy: Proxy;
  /** Restarts a process that was killed (same port for an API). */
  restartWorker(i: number): Promise<void>;
  restartApi(i: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startTopology(opts: TopologyOptions): Promise<Topology> {
  const started = Date.now();
  const taskQueue = opts.taskQueue ?? 'asrayon-loans';
  const logs = path.join(opts.dataDir, 'logs');
  await mkdir(logs, { recursive: true });

  const [bins, pg] = await Promise.all([provisionTemporalServer(), startEmbeddedPostgres({ dataDir: path.join(opts.dataDir, 'pg') })]);
  const temporal = await startTemporalServerOnEmbedded(bins, pg, { dataDir: path.join(opts.dataDir, 'temporal'), numHistoryShards: opts.numHistoryShards ?? 16 });

  await ensureDatabase(pg.urlFor('postgres'), 'asrayon');
  const databaseUrl = pg.urlFor('asrayon');
  const sql = createSql({ url: databaseUrl, max: 2, application: 'asrayon-topology' });
  await migrate(sql); // once, before any process starts
  await sql.end();

  // One workflow bundle for every worker, so none spends its start bundling.
  const bundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} } as never });
  const bundlePath = path.join(opts.dataDir, 'workflow-bundle.js');
  await writeFile(bundlePath, bundle.code);

  const env = (extra: Record<string, string> = {}) => ({
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_MAX: '10',
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_TASK_QUEUE: taskQueue,
    WORKFLOW_BUNDLE_PATH: bundlePath,
    LOG_LEVEL: 'warn',
    ...opts.env,
    ...extra,
  });
  const workers: NodeProcess[] = [];
  const apis: NodeProcess[] = [];
  const apiPorts = await Promise.all(Array.from({ length: opts.apis ?? 2 }, () => randomFreePort()));
  const startWorker = async (i: number) => {
    workers[i] = startNodeProcess(`worker-${i + 1}`, 'worker/main.ts', env(), logs);
    await waitForOutput(workers[i]!, '[worker] polling', 180_000);
  };
  const startApi = async (i: number) => {
    apis[i] = startNodeProcess(`api-${i + 1}`, 'api/main.ts', env({ PORT: String(apiPorts[i]) }), logs);
    await waitForHttp(`http://127.0.0.1:${apiPorts[i]}/api/health`, 180_000);
  };
  // Workers one after the other (each ensures the singleton workflows), APIs together.
  for (let i = 0; i < (opts.workers ?? 2); i++) await startWorker(i);
  await Promise.all(apiPorts.map((_, i) => startApi(i)));
  const proxy = await startRoundRobinProxy(apiPorts.map((p) => `http://127.0.0.1:${p}`), { port: opts.port });
  say('topology', `up in ${Math.round((Date.now() - started) / 1000)} s: ${proxy.url} → ${apiPorts.length} API processes; ${workers.length} workers; Temporal ${temporal.address}`);

  return {
    url: proxy.url,
    temporalAddress: temporal.address,
    databaseUrl,
    taskQueue,
    pg,
    temporal,
    workers,
    apis,
    apiPorts,
    proxy,
    restartWorker: startWorker,
    restartApi: startApi,
    async stop() {
      await proxy.stop();
      await Promise.allSettled([...apis, ...workers].map((p) => p.stop()));
      await temporal.stop();
      await pg.stop();
    },
  };
}
