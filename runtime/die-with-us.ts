// A child process that must not outlive this one: SIGKILLed when this process exits, however it exits.
import type { ChildProcess } from 'node:child_process';

export function dieWithUs(child: ChildProcess): void {
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  child.once('exit', () => process.removeListener('exit', kill));
}
