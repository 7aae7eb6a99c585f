import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { niced, nicenessOf } from './niceness';
import { supervise } from './supervise';

const linux = process.platform === 'linux';

describe.runIf(linux)('background priority', () => {
  const dirs: string[] = [];
  afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  it('starts a program at the niceness asked, every thread of it, with the same pid', async () => {
    const [command, args] = niced(process.execPath, ['-e', 'console.log("up"); setTimeout(() => {}, 30000)'], 7);
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      // Wait for the program itself to say it runs (a fixed sleep is too short on a busy machine):
      // by then Node has started its threads.
      await new Promise<void>((resolve, reject) => {
        child.stdout!.once('data', () => resolve());
        child.once('exit', (code) => reject(new Error(`exited with ${code} before starting`)));
      });
      expect(nicenessOf(child.pid!)).toBe(7);
      // Node's own threads (V8, libuv) inherit it: Linux keeps a priority per thread.
      const threads = readdirSync(`/proc/${child.pid}/task`).map(Number);
      expect(threads.length).toBeGreaterThan(1);
      for (const tid of threads) expect(nicenessOf(tid)).toBe(7);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('leaves the command alone at 0', () => {
    expect(niced('/bin/true', ['x'], 0)).toEqual(['/bin/true', ['x']]);
  });

  it('runs a supervised entry point at its niceness', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'asrayon-nice-'));
    dirs.push(dir);
    const entry = path.join(dir, 'entry.ts');
    await writeFile(entry, 'console.log(`pid ${process.pid}`); setInterval(() => {}, 1000);\n');
    const lines: string[] = [];
    const origWrite = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
      lines.push(String(chunk));
      return origWrite(chunk, ...rest);
    }) as typeof process.stderr.write;
    const child = supervise({ name: 'nice', entry, env: process.env, logFile: path.join(dir, 'log'), onGiveUp: () => {}, niceness: 5 });
    try {
      let pid = 0;
      for (let i = 0; i < 100 && !pid; i++) {
        await new Promise((r) => setTimeout(r, 100));
        pid = Number(/pid (\d+)/.exec(lines.join(''))?.[1] ?? 0);
      }
      expect(pid).toBeGreaterThan(0);
      expect(nicenessOf(pid)).toBe(5);
    } finally {
      process.stderr.write = origWrite;
      await child.stop();
    }
  });
});
