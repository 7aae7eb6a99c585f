// How long this process's event loop kept work waiting, and how much CPU the process got, every
// `everyMs`: one line on stderr per window. The API's answer to bKash is only as fast as its event
// loop, so this tells a slow answer that waited in the process (a blocked or starved loop) from one
// that waited outside it (the database, the network). Started by LOAD_REPORT_MS (api/main.ts).
import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface LoadWindow {
  delayP50Ms: number;
  delayP99Ms: number;
  delayMaxMs: number;
  /** CPU time the process used, as a share of one core over the window. */
  cpuShare: number;
  /** How long the window really was (a blocked loop makes it longer than asked). */
  windowMs: number;
}

export function reportEventLoop(name: string, everyMs: number, write: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): () => void {
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  let cpu = process.cpuUsage();
  let at = performance.now();
  const timer = setInterval(() => {
    const used = process.cpuUsage(cpu);
    const now = performance.now();
    const w: LoadWindow = {
      delayP50Ms: +(h.percentile(50) / 1e6).toFixed(1),
      delayP99Ms: +(h.percentile(99) / 1e6).toFixed(1),
      delayMaxMs: +(h.max / 1e6).toFixed(1),
      cpuShare: +((used.user + used.system) / 1000 / (now - at)).toFixed(2),
      windowMs: Math.round(now - at),
    };
    write(`[${name}] load ${JSON.stringify(w)}`);
    h.reset();
    cpu = process.cpuUsage();
    at = now;
  }, everyMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    h.disable();
  };
}

/** The windows written by reportEventLoop, read back from a log. */
export function parseLoadWindows(log: string, name: string): LoadWindow[] {
  const prefix = `[${name}] load `;
  return log.split('\n').filter((l) => l.startsWith(prefix)).map((l) => JSON.parse(l.slice(prefix.length)) as LoadWindow);
}
