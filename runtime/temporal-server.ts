// The real Temporal server (not the dev server) on PostgreSQL persistence and visibility, for the
// production topology on one machine (scripts/production-topology.ts) and its test. The binaries
// are built once from the Go module proxy and cached outside the clone, like the CLI:
//   go install go.temporal.io/server/cmd/server@v1.29.1 go.temporal.io/server/cmd/tools/sql@v1.29.1
// (v1.29.1 is the server the CLI dev server 1.5.1 embeds; its go.mod has no replace lines). The SQL
// schema ships in the module and is copied next to the binaries.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { cp, mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { EmbeddedDb } from './embedded-postgres';
import { say } from './log';
import { isPortFree } from './ports';
import { waitForTemporal } from './temporal-dev-server';

export const TEMPORAL_SERVER_VERSION = '1.29.1';

export interface TemporalServerBinaries {
  server: string;
  sqlTool: string;
  /** schema/postgresql/v12 of the server module: temporal/ and visibility/, each with versioned/. */
  schemaDir: string;
}

export interface PostgresTarget {
  host: string;
  port: number;
  user: string;
  password: string;
  /** PostgreSQL TLS for the server's connections (the `tls` block of each datastore). */
  tls?: { caFile?: string; certFile?: string; keyFile?: string; serverName?: string; verifyHost?: boolean };
}

export interface TemporalServerTls {
  /** Frontend (client-facing) certificate and key; with clientCaFile and requireClientAuth, mTLS. */
  certFile: string;
  keyFile: string;
  clientCaFile?: string;
  requireClientAuth?: boolean;
}

function cacheDir(): string {
  const base = process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache');
  return path.join(base, 'asrayon', `temporal-server-${TEMPORAL_SERVER_VERSION}`);
}

function goBinary(): string {
  for (const candidate of [process.env.GO, '/usr/local/go/bin/go', 'go']) {
    if (!candidate) continue;
    if (spawnSync(candidate, ['version'], { stdio: 'ignore' }).status === 0) return candidate;
  }
  throw new Error(`building the Temporal server ${TEMPORAL_SERVER_VERSION} needs Go (https://go.dev/dl/), or the binaries in ${cacheDir()}/bin`);
}

/** The cached server and SQL tool, built with `go install` the first time (several minutes on 2 cores). */
export async function provisionTemporalServer(): Promise<TemporalServerBinaries> {
  const dir = cacheDir();
  const bins: TemporalServerBinaries = { server: path.join(dir, 'bin', 'server'), sqlTool: path.join(dir, 'bin', 'sql'), schemaDir: path.join(dir, 'schema', 'postgresql', 'v12') };
  if (existsSync(bins.server) && existsSync(bins.sqlTool) && existsSync(bins.schemaDir)) return bins;
  const go = goBinary();
  await mkdir(path.join(dir, 'bin'), { recursive: true });
  if (!existsSync(bins.server) || !existsSync(bins.sqlTool)) {
    say('temporal', `building the Temporal server ${TEMPORAL_SERVER_VERSION} and its SQL tool with go install (several minutes, once) …`);
    const started = Date.now();
    const built = spawnSync(go, ['install', `go.temporal.io/server/cmd/server@v${TEMPORAL_SERVER_VERSION}`, `go.temporal.io/server/cmd/tools/sql@v${TEMPORAL_SERVER_VERSION}`], {
      env: { ...process.env, GOBIN: path.join(dir, 'bin'), GOFLAGS: '-mod=mod' },
      encoding: 'utf8',
    });
    if (built.status !== 0) throw new Error(`go install of the Temporal server failed:\n${(built.stderr ?? '').slice(-3000)}`);
    say('temporal', `built in ${Math.round((Date.now() - started) / 1000)} s`);
  }
  const modCache = spawnSync(go, ['env', 'GOMODCACHE'], { encoding: 'utf8' }).stdout.trim();
  const source = path.join(modCache, `go.temporal.io/server@v${TEMPORAL_SERVER_VERSION}`, 'schema', 'postgresql', 'v12');
  if (!existsSync(source)) throw new Error(`the server's SQL schema was not found at ${source}`);
  await cp(source, bins.schemaDir, { recursive: true });
  return bins;
}

function runSqlTool(bins: TemporalServerBinaries, pg: PostgresTarget, database: string, args: string[]): void {
  const tls = pg.tls
    ? ['--tls', ...(pg.tls.caFile ? ['--tls-ca-file', pg.tls.caFile] : []), ...(pg.tls.certFile ? ['--tls-cert-file', pg.tls.certFile, '--tls-key-file', pg.tls.keyFile ?? ''] : []), ...(pg.tls.verifyHost ? [] : ['--tls-disable-host-verification'])]
    : [];
  const r = spawnSync(bins.sqlTool, ['--plugin', 'postgres12', '--ep', pg.host, '-p', String(pg.port), '-u', pg.user, '--pw', pg.password, '--db', database, ...tls, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`temporal-sql-tool ${args.join(' ')} on ${database} failed:\n${(r.stderr || r.stdout).slice(-3000)}`);
}

function alreadyDone(step: () => void): void {
  try {
    step();
  } catch (err) {
    if (!/already exists/i.test((err as Error).message)) throw err;
  }
}

/**
 * Creates the `temporal` and `temporal_visibility` databases if missing and brings both schemas to
 * the version this server needs (setup-schema, then update-schema: also the upgrade path).
 */
export function setupTemporalSchema(bins: TemporalServerBinaries, pg: PostgresTarget, names = { store: 'temporal', visibility: 'temporal_visibility' }): void {
  for (const [database, schema] of [[names.store, 'temporal'], [names.visibility, 'visibility']] as const) {
    // Both refuse to run twice; a database that has them already goes straight to update-schema.
    alreadyDone(() => runSqlTool(bins, pg, database, ['create-database']));
    alreadyDone(() => runSqlTool(bins, pg, database, ['setup-schema', '-v', '0.0']));
    runSqlTool(bins, pg, database, ['update-schema', '-d', path.join(bins.schemaDir, schema, 'versioned')]);
  }
}

export interface TemporalServerOptions {
  dataDir: string;
  pg: PostgresTarget;
  /** Fixed when the cluster is created and never changed after (see deploy/README.md). */
  numHistoryShards: number;
  port?: number;
  tls?: TemporalServerTls;
  names?: { store: string; visibility: string };
}

export interface TemporalServer {
  address: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

function datastore(name: string, pg: PostgresTarget, maxConns: number): string {
  const tls = pg.tls
    ? `
        tls:
          enabled: true
          caFile: "${pg.tls.caFile ?? ''}"
          certFile: "${pg.tls.certFile ?? ''}"
          keyFile: "${pg.tls.keyFile ?? ''}"
          serverName: "${pg.tls.serverName ?? ''}"
          enableHostVerification: ${pg.tls.verifyHost ?? false}`
    : '';
  return `
      sql:
        pluginName: "postgres12"
        databaseName: "${name}"
        connectAddr: "${pg.host}:${pg.port}"
        connectProtocol: "tcp"
        user: "${pg.user}"
        password: "${pg.password.replace(/"/g, '\\"')}"
        maxConns: ${maxConns}
        maxIdleConns: ${maxConns}
        maxConnLifetime: "1h"${tls}`;
}

/** The server's static configuration (the shape of the module's config/development-postgres12.yaml). */
export function serverConfig(opts: TemporalServerOptions & { ports: { frontend: number; history: number; matching: number; worker: number; membership: number[]; http: number } }): string {
  const names = opts.names ?? { store: 'temporal', visibility: 'temporal_visibility' };
  const p = opts.ports;
  const frontendTls = opts.tls
    ? `
  tls:
    frontend:
      server:
        certFile: "${opts.tls.certFile}"
        keyFile: "${opts.tls.keyFile}"
        requireClientAuth: ${opts.tls.requireClientAuth ?? false}
${opts.tls.clientCaFile ? `        clientCaFiles:\n          - "${opts.tls.clientCaFile}"\n` : ''}      client:
        serverName: "localhost"
        rootCaFiles:
          - "${opts.tls.clientCaFile ?? opts.tls.certFile}"`
    : '';
  return `log:
  stdout: true
  level: warn

persistence:
  defaultStore: default
  visibilityStore: visibility
  numHistoryShards: ${opts.numHistoryShards}
  datastores:
    default:${datastore(names.store, opts.pg, 20)}
    visibility:${datastore(names.visibility, opts.pg, 4)}

global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: "127.0.0.1"${frontendTls}

services:
  frontend:
    rpc:
      grpcPort: ${p.frontend}
      membershipPort: ${p.membership[0]}
      bindOnLocalHost: true
      httpPort: ${p.http}
  matching:
    rpc:
      grpcPort: ${p.matching}
      membershipPort: ${p.membership[1]}
      bindOnLocalHost: true
  history:
    rpc:
      grpcPort: ${p.history}
      membershipPort: ${p.membership[2]}
      bindOnLocalHost: true
  worker:
    rpc:
      grpcPort: ${p.worker}
      membershipPort: ${p.membership[3]}
      bindOnLocalHost: true

clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: "active"
  currentClusterName: "active"
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: "frontend"
      rpcAddress: "127.0.0.1:${p.frontend}"

dcRedirectionPolicy:
  policy: "noop"

dynamicConfigClient:
  filepath: "${path.join(opts.dataDir, 'config', 'dynamicconfig.yaml')}"
  pollInterval: "60s"
`;
}

const DYNAMIC_CONFIG = `# Asrayon: the defaults, except what a long-lived loan workflow needs.
limit.maxIDLength:
  - value: 255
system.forceSearchAttributesCacheRefreshOnRead:
  - value: true
# A loan's write-through activity runs on the worker that just ran its workflow task (no matching round trip).
system.enableActivityEagerExecution:
  - value: true
`;

/**
 * The server on an embedded PostgreSQL of ours (runtime/embedded-postgres.ts): its schema created
 * there, then started. The one-machine topology and the benches run it this way.
 */
export async function startTemporalServerOnEmbedded(bins: TemporalServerBinaries, pg: Pick<EmbeddedDb, 'port' | 'urlFor'>, opts: Omit<TemporalServerOptions, 'pg'>): Promise<TemporalServer> {
  const target: PostgresTarget = { host: '127.0.0.1', port: pg.port, user: 'postgres', password: decodeURIComponent(new URL(pg.urlFor('postgres')).password) };
  setupTemporalSchema(bins, target);
  return startTemporalServer(bins, { ...opts, pg: target });
}

/** Starts the server (all four services in one process) and waits until the frontend answers. */
export async function startTemporalServer(bins: TemporalServerBinaries, opts: TemporalServerOptions): Promise<TemporalServer> {
  const configDir = path.join(opts.dataDir, 'config');
  await mkdir(configDir, { recursive: true });
  // Temporal keeps membership ports in a PostgreSQL smallint: every port must be below 32 768,
  // which the kernel's ephemeral range (where port 0 lands) is not.
  const taken = new Set<number>();
  const free = async (): Promise<number> => {
    for (;;) {
      const port = 20_000 + Math.floor(Math.random() * 12_000);
      if (!taken.has(port) && (await isPortFree(port))) {
        taken.add(port);
        return port;
      }
    }
  };
  const ports = {
    frontend: opts.port ?? (await free()),
    history: await free(),
    matching: await free(),
    worker: await free(),
    http: await free(),
    membership: [await free(), await free(), await free(), await free()],
  };
  await writeFile(path.join(configDir, 'asrayon.yaml'), serverConfig({ ...opts, ports }));
  await writeFile(path.join(configDir, 'dynamicconfig.yaml'), DYNAMIC_CONFIG);
  const logFile = path.join(opts.dataDir, 'temporal-server.log');
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(bins.server, ['--root', opts.dataDir, '--config', 'config', '--env', 'asrayon', '--allow-no-auth', 'start'], { cwd: opts.dataDir, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.pipe(log, { end: false });
  child.stderr!.pipe(log, { end: false });
  const address = `127.0.0.1:${ports.frontend}`;
  say('temporal', `starting the Temporal server ${TEMPORAL_SERVER_VERSION} on ${address} (PostgreSQL ${opts.pg.host}:${opts.pg.port}, ${opts.numHistoryShards} shards); log: ${logFile}`);
  try {
    await waitForTemporalNamespaceService(address, child);
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`${(err as Error).message}; see ${logFile}`);
  }
  return {
    address,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
        child.once('exit', () => {
          clearTimeout(killer);
          log.end();
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

/**
 * The real server has no namespace until one is registered (the dev server makes `default`): wait
 * for the frontend, then register `default` (idempotent), then wait until it can be described.
 */
async function waitForTemporalNamespaceService(address: string, child: ChildProcess): Promise<void> {
  const { Connection } = await import('@temporalio/client');
  const { msToTs } = await import('@temporalio/common/lib/time');
  const deadline = Date.now() + 180_000;
  let lastError = '';
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the Temporal server exited with code ${child.exitCode}`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 2_000 });
      try {
        await connection.workflowService.registerNamespace({ namespace: 'default', workflowExecutionRetentionPeriod: msToTs('7 days') }).catch((err: Error) => {
          if (!/already (exists|registered)/i.test(err.message)) throw err;
        });
        break;
      } finally {
        await connection.close();
      }
    } catch (err) {
      lastError = (err as Error).message;
      await new Promise((r) => setTimeout(r, 1_000));
    }
  }
  if (Date.now() >= deadline) throw new Error(`the Temporal server at ${address} did not come up: ${lastError}`);
  await waitForTemporal(address, 120_000, child);
}
