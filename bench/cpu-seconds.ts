// CPU time the processes of a benchmark have used, from Linux's /proc (clock ticks of 1/100 s), so
// a bench can say where the cores went: the Temporal server, the worker, PostgreSQL, itself.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The fields of /proc/<pid>/stat after the command name; null when the process is gone. */
function statFields(pid: number): string[] | null {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  } catch {
    return null;
  }
}

/** utime + stime of one process (all its threads). */
export function cpuSeconds(pid: number): number {
  const f = statFields(pid);
  return f ? (Number(f[11]) + Number(f[12])) / 100 : 0;
}

/**
 * CPU seconds of each process tree named (a process and every process under it: each living one's
 * own time plus what its exited children left in its cutime + cstime; PostgreSQL's backends are
 * children of the postmaster), from one reading of /proc.
 */
export function treeCpuSeconds<K extends string>(roots: Record<K, number>): Record<K, number> {
  const children = new Map<number, number[]>();
  const fields = new Map<number, string[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const f = statFields(Number(entry));
    if (!f) continue;
    fields.set(Number(entry), f);
    const ppid = Number(f[1]);
    children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
  }
  const tree = (root: number) => {
    let ticks = 0;
    const todo = [root];
    while (todo.length) {
      const pid = todo.pop()!;
      const f = fields.get(pid);
      if (f) ticks += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
      todo.push(...(children.get(pid) ?? []));
    }
    return ticks / 100;
  };
  return Object.fromEntries(Object.entries<number>(roots).map(([name, pid]) => [name, tree(pid)])) as Record<K, number>;
}

/** The postmaster's pid of an embedded cluster started under `dataDir` (runtime/embedded-postgres.ts). */
export function postmasterPid(dataDir: string): number {
  return Number(readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
}
