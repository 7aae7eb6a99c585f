import { describe, expect, it } from 'vitest';
import { parseLoadWindows, reportEventLoop } from './event-loop-report';

describe('event loop report', () => {
  it('reports a loop blocked for 300 ms as a delay of about that, and reads back from the log', async () => {
    const lines: string[] = [];
    const stop = reportEventLoop('test', 500, (l) => lines.push(l));
    try {
      await new Promise((r) => setTimeout(r, 100));
      const until = performance.now() + 300;
      while (performance.now() < until); // a blocked loop, on purpose
      await new Promise((r) => setTimeout(r, 700));
    } finally {
      stop();
    }
    const windows = parseLoadWindows(['other line', ...lines].join('\n'), 'test');
    expect(windows.length).toBeGreaterThanOrEqual(1);
    const worst = Math.max(...windows.map((w) => w.delayMaxMs));
    expect(worst).toBeGreaterThanOrEqual(250);
    // The blocked 300 ms were CPU spent by this process.
    expect(Math.max(...windows.map((w) => w.cpuShare))).toBeGreaterThan(0.3);
  });
});
