import { describe, expect, it } from 'vitest';
import { parseLoadWindows, reportEventLoop } from './event-loop-report';

describe('event loop report', () => {
  it('reports a loop blocked for 300 ms of CPU as a delay of at least that, and reads back from the log', async () => {
    const lines: string[] = [];
    const stop = reportEventLoop('test', 500, (l) => lines.push(l));
    try {
      await new Promise((r) => setTimeout(r, 100));
      // A blocked loop, on purpose, for 300 ms of CPU (not of wall time: on a busy machine the
      // process gets the core only part of the time, and the block then lasts longer).
      const cpu0 = process.cpuUsage();
      const spent = () => { const u = process.cpuUsage(cpu0); return (u.user + u.system) / 1000; };
      while (spent() < 300);
      await new Promise((r) => setTimeout(r, 700));
    } finally {
      stop();
    }
    const windows = parseLoadWindows(['other line', ...lines].join('\n'), 'test');
    expect(windows.length).toBeGreaterThanOrEqual(1);
    const worst = Math.max(...windows.map((w) => w.delayMaxMs));
    expect(worst).toBeGreaterThanOrEqual(250);
    // The windows account for the 300 ms of CPU this process spent (over one window or two).
    const cpuMs = windows.reduce((sum, w) => sum + w.cpuShare * w.windowMs, 0);
    expect(cpuMs).toBeGreaterThanOrEqual(280);
  });
});
