// Background processes (the worker, the Temporal server) run at a lower CPU priority than the API
// when they share a machine: bKash's webhook is answered as soon as the payment is stored, and that
// answer should not wait for a core while the workflows absorb a burst. The ledger catches up a
// little later instead (docs/benchmarks.md, payment notifications).
import { existsSync, readFileSync } from 'node:fs';

const NICE = ['/usr/bin/nice', '/bin/nice'].find((p) => existsSync(p)) ?? null;

/**
 * The command line that starts `command args` at `niceness` (0–19; 0 = unchanged). Linux keeps a
 * priority per thread, and a thread takes its parent's, so the priority is set before the program
 * starts (through nice(1), which then becomes the program: same pid, same signals), never after.
 */
export function niced(command: string, args: string[], niceness: number): [string, string[]] {
  if (!niceness || !NICE) return [command, args];
  return [NICE, ['-n', String(niceness), command, ...args]];
}

/** A process's niceness as the kernel sees it (field 19 of /proc/<pid>/stat), or null off Linux. */
export function nicenessOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count from after it.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[16]);
  } catch {
    return null;
  }
}
