// Start-up messages: one line each, prefixed with what is speaking, so a hang is never silent.
export function say(who: string, message: string): void {
  process.stderr.write(`[${who}] ${message}\n`);
}

/** What withTimeout rejects with, so a caller can tell "too slow" from the work's own failure. */
export class TimeoutError extends Error {}

/** The promise, or a TimeoutError after `ms` (the work itself is not stopped). */
export function withTimeout<T>(what: string, ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`${what} did not finish within ${Math.round(ms / 1000)} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
