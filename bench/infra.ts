// What every benchmark stands on: a scratch folder, its own embedded PostgreSQL and (when it needs
// one) its own in-memory Temporal dev server, so a run measures nothing but itself. stop() leaves
// nothing behind.
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createSql, type Sql } from '../db/client';
import { migrate } from '../db/migrate';
import { ensureDatabase, startEmbeddedPostgres, type EmbeddedDb } from '../runtime/embedded-postgres';
import { startDevServer, type DevServer } from '../runtime/temporal-dev-server';
import { provisionTemporalServer, startTemporalServerOnEmbedded } from '../runtime/temporal-server';

/** BENCH_TEMPORAL_CONFIG="key=value,key=value": server settings to try, beside the project's own. */
const benchDynamicConfig = () => (process.env.BENCH_TEMPORAL_CONFIG ?? '').split(',').map((v) => v.trim()).filter(Boolean);

export interface BenchInfra<D extends DevServer | null> {
  dir: string;
  pg: EmbeddedDb;
  dev: D;
  /** A fresh database on the bench's server, migrated, with a pool of `max` connections. */
  database(name: string, max: number): Promise<Sql>;
  stop(): Promise<void>;
}

export async function startBenchInfra(name: string, opts: { temporal: true; temporalNiceness?: number }): Promise<BenchInfra<DevServer>>;
export async function startBenchInfra(name: string, opts?: { temporal?: false }): Promise<BenchInfra<null>>;
export async function startBenchInfra(name: string, opts: { temporal?: boolean; temporalNiceness?: number } = {}): Promise<BenchInfra<DevServer | null>> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `asrayon-bench-${name}-`));
  await chmod(dir, 0o755); // embedded PostgreSQL runs as another user when we are root
  const realServer = opts.temporal && process.env.BENCH_TEMPORAL === 'server';
  const [pg, dev] = await Promise.all([
    startEmbeddedPostgres({ dataDir: path.join(dir, 'pg') }),
    opts.temporal && !realServer ? startDevServer({ dataDir: path.join(dir, 't'), persist: false, ui: false, niceness: opts.temporalNiceness, dynamicConfig: benchDynamicConfig() }) : null,
  ]);
  // BENCH_TEMPORAL=server: the production Temporal server (runtime/temporal-server.ts) on the bench's
  // PostgreSQL instead of the dev server, to compare the two on the same cores.
  const temporal = realServer ? await startRealTemporal(dir, pg) : dev;
  const pools: Sql[] = [];
  // Ctrl-C or a kill ends the run, not just this process: children started with
  // runtime/node-process.ts die on exit, and the servers are stopped first.
  const onSignal = () => void infra.stop().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const infra: BenchInfra<DevServer | null> = {
    dir,
    pg,
    dev: temporal,
    async database(db, max) {
      await ensureDatabase(pg.urlFor('postgres'), db);
      const sql = createSql({ url: pg.urlFor(db), max });
      pools.push(sql);
      await migrate(sql);
      return sql;
    },
    async stop() {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
      await Promise.allSettled(pools.map((p) => p.end({ timeout: 5 })));
      await temporal?.stop();
      await pg.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return infra;
}

async function startRealTemporal(dir: string, pg: EmbeddedDb): Promise<DevServer> {
  const server = await startTemporalServerOnEmbedded(await provisionTemporalServer(), pg, { dataDir: path.join(dir, 'temporal'), numHistoryShards: Number(process.env.BENCH_TEMPORAL_SHARDS ?? 4) });
  return { ...server, uiUrl: null };
}
