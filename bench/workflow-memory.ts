// What one workflow kept in the worker's cache costs: N workflows (BENCH_WORKFLOWS, default 2 000)
// are started and left asleep in a cache that holds them all; the worker process's RSS before and
// after, per workflow. BENCH_BUNDLE=ceiling (a one-function workflow) or asrayon (default: every
// Asrayon workflow module in the bundle, as in the real worker); BENCH_PRELOAD=1 shares Asrayon's pure
// modules through the SDK's preloadModules. Prints one JSON line.
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { startBenchInfra } from './infra';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
const N = Number(process.env.BENCH_WORKFLOWS ?? 2_000);
const BUNDLE = process.env.BENCH_BUNDLE === 'ceiling' ? 'ceiling' : 'asrayon';
const root = path.resolve(import.meta.dirname, '..');
const PRELOAD = process.env.BENCH_PRELOAD === '1'
  ? ['domain/allocation.ts', 'domain/dhaka-time.ts', 'domain/loan-changes.ts', 'domain/loan-state.ts', 'domain/money.ts', 'domain/schedule.ts', 'domain/types.ts',
    'workflows/loan-definitions.ts', 'workflows/correction-definitions.ts', 'workflows/notice-definitions.ts', 'sms/dispatcher-definitions.ts'].map((f) => path.join(root, f))
  : [];
Runtime.install({ logger: new DefaultLogger('WARN') });

const settle = async () => {
  gc();
  await new Promise((r) => setTimeout(r, 500));
  gc();
};
const infra = await startBenchInfra('wfmem', { temporal: true });
try {
  const client = new Client({ connection: await Connection.connect({ address: infra.dev.address }) });
  const workflowsPath = path.resolve(import.meta.dirname, 'ceiling', BUNDLE === 'ceiling' ? 'workflows.ts' : 'all-workflows.ts');
  const bundle = await bundleWorkflowCode({ workflowsPath, preloadModules: PRELOAD, logger: new DefaultLogger('ERROR') });
  const worker = await Worker.create({
    connection: await NativeConnection.connect({ address: infra.dev.address }),
    taskQueue: 'wfmem', workflowBundle: bundle, activities: { write: async (n: number) => n }, maxCachedWorkflows: N + 100,
  });
  const running = worker.run();
  await settle();
  const rss0 = process.memoryUsage().rss;
  const cpu0 = process.cpuUsage();
  const t = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: 32 }, async () => {
    while (next < N) await client.workflow.start('sleeper', { taskQueue: 'wfmem', workflowId: `w-${next++}` });
  }));
  for (;;) {
    const q = await client.connection.workflowService.describeTaskQueue({ namespace: 'default', taskQueue: { name: 'wfmem' }, taskQueueType: 1 as never, reportStats: true });
    if (worker.getStatus().numCachedWorkflows >= N && Number(q.stats?.approximateBacklogCount ?? 0) === 0) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const seconds = (performance.now() - t) / 1000;
  const cpu = process.cpuUsage(cpu0);
  await settle();
  const rss1 = process.memoryUsage().rss;
  console.log(JSON.stringify({
    bench: 'workflow-memory',
    bundle: BUNDLE,
    preloadedModules: PRELOAD.length,
    workflows: N,
    cached: worker.getStatus().numCachedWorkflows,
    rssKbPerCachedWorkflow: Math.round((rss1 - rss0) / N / 1024),
    workerRssMb: Math.round(rss1 / 1e6),
    firstTasksPerSec: +(N / seconds).toFixed(1),
    workerCpuMsPerFirstTask: +((cpu.user + cpu.system) / 1000 / N).toFixed(2),
  }));
  worker.shutdown();
  await running;
  await client.connection.close();
} finally {
  await infra.stop();
}
