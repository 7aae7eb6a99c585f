// Runs a Node entry point as a child process: its output prefixed on our terminal and appended to
// a log file, restarted with backoff if it dies unexpectedly, stopped gracefully on request.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import readline from 'node:readline';
import { say } from './log';
import { dieWithUs } from './die-with-us';
import { niced } from './niceness';

export interface Supervised {
  name: string;
  stop(): Promise<void>;
}

export interface SuperviseOptions {
  name: string;
  entry: string;
  env: NodeJS.ProcessEnv;
  logFile: string;
  /** Give up after this many crashes within a minute and call onGiveUp. */
  maxRestartsPerMinute?: number;
  onGiveUp: (reason: string) => void;
  /** CPU priority below the default (0–19; runtime/niceness.ts). */
  niceness?: number;
}

export function supervise(opts: SuperviseOptions): Supervised {
  const log = createWriteStream(opts.logFile, { flags: 'a' });
  let child: ChildProcess | null = null;
  let stopping = false;
  const crashes: number[] = [];

  const launch = () => {
    // Own process group: Ctrl-C reaches only the orchestrator, which stops everything in order.
    const [command, args] = niced(process.execPath, ['--import', 'tsx', opts.entry], opts.niceness ?? 0);
    const proc = spawn(command, args, { env: opts.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    child = proc;
    dieWithUs(proc);
    for (const stream of [proc.stdout!, proc.stderr!]) {
      readline.createInterface({ input: stream }).on('line', (line) => {
        log.write(`${line}\n`);
        process.stderr.write(`${opts.name.padEnd(6)} │ ${line}\n`);
      });
    }
    proc.on('exit', (code, signal) => {
      child = null;
      if (stopping) return;
      const now = Date.now();
      crashes.push(now);
      while (crashes.length && crashes[0]! < now - 60_000) crashes.shift();
      if (crashes.length > (opts.maxRestartsPerMinute ?? 5)) {
        opts.onGiveUp(`${opts.name} crashed ${crashes.length} times within a minute (last: ${signal ?? `exit ${code}`})`);
        return;
      }
      const delay = Math.min(30_000, 500 * 2 ** (crashes.length - 1));
      say(opts.name, `exited (${signal ?? `code ${code}`}); restarting in ${delay} ms`);
      setTimeout(() => !stopping && launch(), delay);
    });
  };
  launch();

  return {
    name: opts.name,
    stop: () =>
      new Promise<void>((resolve) => {
        stopping = true;
        const proc = child;
        if (!proc) return resolve();
        const killer = setTimeout(() => proc.kill('SIGKILL'), 15_000);
        proc.once('exit', () => {
          clearTimeout(killer);
          log.end();
          resolve();
        });
        proc.kill('SIGTERM');
      }),
  };
}
