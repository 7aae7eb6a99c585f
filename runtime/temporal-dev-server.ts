// Runs the Temporal CLI dev server as a child process with its state in the data folder, and waits
// for it with our own readiness check (the SDK's 5 s is too short on a 2-core machine).
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { say } from './log';
import { dieWithUs } from './die-with-us';
import { niced } from './niceness';
import { choosePort, forgetPort } from './ports';
import { provisionTemporalCli } from './temporal-cli';

export interface DevServer {
  address: string;
  uiUrl: string | null;
  process: ChildProcess;
  stop(): Promise<void>;
}

export interface DevServerOptions {
  dataDir: string;
  /** Keep state in `<dataDir>/temporal.db`; false gives an in-memory server (tests). */
  persist?: boolean;
  ui?: boolean;
  port?: number;
  uiPort?: number;
  readyTimeoutMs?: number;
  /** CPU priority below the default (0–19; runtime/niceness.ts). */
  niceness?: number;
  /** More dynamic config, `key=json value` each (benchmarks try server settings with it). */
  dynamicConfig?: string[];
}

export async function waitForTemporal(address: string, timeoutMs: number, child?: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`Temporal dev server exited with code ${child.exitCode}`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 2000 });
      try {
        await connection.workflowService.describeNamespace({ namespace: 'default' });
        return;
      } finally {
        await connection.close();
      }
    } catch (err) {
      lastError = (err as Error).message;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`Temporal at ${address} was not ready after ${Math.round(timeoutMs / 1000)} s: ${lastError}`);
}

export async function startDevServer(opts: DevServerOptions): Promise<DevServer> {
  const binary = await provisionTemporalCli();
  await mkdir(opts.dataDir, { recursive: true });
  // Two instances starting at the same moment can both see a port free; the loser's server exits
  // at once, and we try again on a fresh port.
  for (let attempt = 1; ; attempt++) {
    const port = await choosePort(opts.dataDir, 'temporal', attempt === 1 ? (opts.port ?? 7233) : undefined, attempt === 1 ? [] : [opts.port ?? 7233]);
    try {
      return await launch(binary, opts, port);
    } catch (err) {
      if (!(err instanceof EarlyExit) || attempt >= 3) throw err;
      await forgetPort(opts.dataDir, 'temporal');
      say('temporal', `port ${port} was taken at the last moment; trying another`);
    }
  }
}

class EarlyExit extends Error {}

/**
 * Eager activities: the server hands a workflow's new activity task straight back to the worker
 * that completed the workflow task, instead of through the task queue. Every change of a loan is
 * one write-through activity, so this is most of a payment's round trips: updates with one
 * activity went from 82/s to 107–120/s on 2 cores (scratch measurement, 2026-12-02).
 */
const DYNAMIC_CONFIG = ['--dynamic-config-value', 'system.enableActivityEagerExecution=true'];

async function launch(binary: string, opts: DevServerOptions, port: number): Promise<DevServer> {
  const persist = opts.persist ?? true;
  const uiPort = opts.ui === false ? null : await choosePort(opts.dataDir, 'temporal-ui', opts.uiPort ?? port + 1000, [port]);
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--log-level', 'warn', ...DYNAMIC_CONFIG];
  for (const value of opts.dynamicConfig ?? []) args.push('--dynamic-config-value', value);
  if (persist) args.push('--db-filename', path.join(opts.dataDir, 'temporal.db'));
  if (uiPort === null) args.push('--headless');
  else args.push('--ui-port', String(uiPort));

  const logFile = path.join(opts.dataDir, 'temporal.log');
  const log = createWriteStream(logFile, { flags: 'a' });
  say('temporal', `starting dev server on 127.0.0.1:${port}${persist ? ` (state in ${path.join(opts.dataDir, 'temporal.db')})` : ''}; log: ${logFile}`);
  const child = spawn(...niced(binary, args, opts.niceness ?? 0), { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  dieWithUs(child);
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);

  const address = `127.0.0.1:${port}`;
  try {
    await waitForTemporal(address, opts.readyTimeoutMs ?? 90_000, child);
    // Ready could be another server on the same port; ours must still be alive to count.
    await new Promise((r) => setTimeout(r, 300));
    if (child.exitCode !== null) throw new Error(`Temporal dev server exited with code ${child.exitCode}`);
  } catch (err) {
    child.kill('SIGKILL');
    log.end();
    const early = child.exitCode !== null && /exited/.test((err as Error).message);
    const message = `${(err as Error).message}; see ${logFile}`;
    throw early ? new EarlyExit(message) : new Error(message);
  }
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.once('exit', () => {
        clearTimeout(killer);
        log.end();
        resolve();
      });
      child.kill('SIGTERM');
    });
  return { address, uiUrl: uiPort === null ? null : `http://127.0.0.1:${uiPort}`, process: child, stop };
}
