// Asrayon's own processes (worker/main.ts, api/main.ts) as real child processes, for the topology on
// one machine and for tests that kill them: each writes to its own log file, and is "ready" when the
// worker says it polls or the API answers /api/health.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { dieWithUs } from './die-with-us';
import { niced } from './niceness';

const ROOT = path.resolve(import.meta.dirname, '..');

export interface NodeProcess {
  name: string;
  child: ChildProcess;
  /** SIGKILL, no goodbye: what a power cut or the OOM killer does. */
  kill9(): Promise<void>;
  /** SIGTERM and wait (SIGKILL after 15 s). */
  stop(): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
}

/**
 * Starts `node --import tsx <script>` with `env`, logging to `<logDir>/<name>.log`, at `niceness`
 * (runtime/niceness.ts). It dies with this process, however this process ends.
 */
export function startNodeProcess(name: string, script: string, env: Record<string, string | undefined>, logDir: string, opts: { niceness?: number; nodeArgs?: string[] } = {}): NodeProcess {
  const log = createWriteStream(path.join(logDir, `${name}.log`), { flags: 'a' });
  const child = spawn(...niced(process.execPath, [...(opts.nodeArgs ?? []), '--import', 'tsx', path.join(ROOT, script)], opts.niceness ?? 0), { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  dieWithUs(child);
  child.stdout!.pipe(log, { end: false });
  child.stderr!.pipe(log, { end: false });
  return {
    name,
    child,
    async kill9() {
      child.kill('SIGKILL');
      await exited(child);
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      child.kill('SIGTERM');
      await exited(child);
      clearTimeout(killer);
    },
  };
}

/** Resolves when the process prints `marker` on stderr/stdout; rejects if it exits first or time runs out. */
export function waitForOutput(p: NodeProcess, marker: string, timeoutMs = 90_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => done(new Error(`${p.name} did not print "${marker}" within ${timeoutMs / 1000} s:\n${seen.slice(-2000)}`)), timeoutMs);
    const onData = (b: Buffer) => {
      seen += b.toString();
      if (seen.includes(marker)) done();
    };
    const onExit = (code: number | null) => done(new Error(`${p.name} exited (${code}) before it was ready:\n${seen.slice(-2000)}`));
    function done(err?: Error) {
      clearTimeout(timer);
      p.child.stdout!.off('data', onData);
      p.child.stderr!.off('data', onData);
      p.child.off('exit', onExit);
      if (err) reject(err);
      else resolve();
    }
    p.child.stdout!.on('data', onData);
    p.child.stderr!.on('data', onData);
    p.child.once('exit', onExit);
  });
}

/** Polls `url` until it answers 2xx. */
export async function waitForHttp(url: string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await fetch(url, { signal: AbortSignal.timeout(2_000) }).then((r) => r.ok, () => false)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
}
