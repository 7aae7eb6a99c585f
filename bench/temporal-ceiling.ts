// What this machine's Temporal dev server and one worker can do at all, with no database and no
// loan logic: the ceiling the loan benchmarks are measured against. N workflows (BENCH_WORKFLOWS,
// default 2 000) are started (C = BENCH_CONCURRENCY in flight, default 64), then each takes one
// update applied through an activity, one applied in the workflow alone and one through a local
// activity (as the loan's writes run). Prints one JSON line: starts/s, first tasks settled/s,
// updates/s each way, their p50/p99, and the CPU seconds the server and this process spent.
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import os from 'node:os';
import { cpuSeconds } from './cpu-seconds';
import { percentile } from './district-data';
import { startBenchInfra } from './infra';
import { localWriteUpdate, touchUpdate, writeUpdate } from './ceiling/workflows';

const N = Number(process.env.BENCH_WORKFLOWS ?? 2_000);
const C = Number(process.env.BENCH_CONCURRENCY ?? 64);
const workerOptions = JSON.parse(process.env.BENCH_WORKER_OPTIONS ?? '{}') as Record<string, unknown>;
Runtime.install({ logger: new DefaultLogger('WARN') });

async function inFlight(n: number, f: (i: number) => Promise<unknown>): Promise<number[]> {
  const took: number[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: C }, async () => {
    while (next < n) {
      const i = next++;
      const t = performance.now();
      await f(i);
      took.push(performance.now() - t);
    }
  }));
  return took.sort((a, b) => a - b);
}

const infra = await startBenchInfra('ceiling', { temporal: true });
try {
  // BENCH_CLIENT=native: the client talks through the SDK's Rust core (NativeConnection) instead of grpc-js.
  const connection = await Connection.connect({ address: infra.dev.address });
  const native = process.env.BENCH_CLIENT === 'native';
  const client = new Client({ connection: native ? await NativeConnection.connect({ address: infra.dev.address }) : connection });
  let writes = 0;
  const worker = await Worker.create({
    connection: await NativeConnection.connect({ address: infra.dev.address }),
    taskQueue: 'ceiling',
    workflowBundle: await bundleWorkflowCode({ workflowsPath: path.resolve(import.meta.dirname, 'ceiling/workflows.ts'), logger: new DefaultLogger('ERROR') }),
    activities: { write: async (n: number) => (writes++, n) },
    // BENCH_WORKER_OPTIONS='{"workflowThreadPoolSize":2}': worker settings to try.
    ...workerOptions,
  });
  const running = worker.run();
  const cpu0 = { server: cpuSeconds(infra.dev.process.pid!), node: process.cpuUsage() };

  let t = performance.now();
  await inFlight(N, (i) => client.workflow.start('sleeper', { taskQueue: 'ceiling', workflowId: `w-${i}` }));
  const startSec = (performance.now() - t) / 1000;
  for (;;) {
    const q = await connection.workflowService.describeTaskQueue({ namespace: 'default', taskQueue: { name: 'ceiling' }, taskQueueType: 1 as never, reportStats: true });
    if (Number(q.stats?.approximateBacklogCount ?? 0) === 0) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const settleSec = (performance.now() - t) / 1000;

  t = performance.now();
  const withActivity = await inFlight(N, (i) => client.workflow.getHandle(`w-${i}`).executeUpdate(writeUpdate, { args: [1] }));
  const withActivitySec = (performance.now() - t) / 1000;
  t = performance.now();
  const inWorkflow = await inFlight(N, (i) => client.workflow.getHandle(`w-${i}`).executeUpdate(touchUpdate, { args: [1] }));
  const inWorkflowSec = (performance.now() - t) / 1000;
  t = performance.now();
  const withLocal = await inFlight(N, (i) => client.workflow.getHandle(`w-${i}`).executeUpdate(localWriteUpdate, { args: [1] }));
  const withLocalSec = (performance.now() - t) / 1000;
  if (writes !== 2 * N) throw new Error(`${writes} activity writes for ${2 * N} updates`);

  const node = process.cpuUsage(cpu0.node);
  console.log(JSON.stringify({
    bench: 'temporal-ceiling',
    workflows: N,
    inFlight: C,
    client: native ? 'native' : 'grpc-js',
    workerOptions,
    serverConfig: process.env.BENCH_TEMPORAL_CONFIG ?? '',
    startsPerSec: +(N / startSec).toFixed(1),
    firstTasksSettledPerSec: +(N / settleSec).toFixed(1),
    updatesWithActivityPerSec: +(N / withActivitySec).toFixed(1),
    updateWithActivityP50Ms: Math.round(percentile(withActivity, 50)),
    updateWithActivityP99Ms: Math.round(percentile(withActivity, 99)),
    updatesWithLocalActivityPerSec: +(N / withLocalSec).toFixed(1),
    updateWithLocalActivityP99Ms: Math.round(percentile(withLocal, 99)),
    updatesInWorkflowPerSec: +(N / inWorkflowSec).toFixed(1),
    updateInWorkflowP99Ms: Math.round(percentile(inWorkflow, 99)),
    activityCostRatio: +(withActivitySec / inWorkflowSec).toFixed(2),
    serverCpuSec: +(cpuSeconds(infra.dev.process.pid!) - cpu0.server).toFixed(1),
    workerAndClientCpuSec: +((node.user + node.system) / 1e6).toFixed(1),
    cpus: os.cpus().length,
  }));
  worker.shutdown();
  await running;
  await connection.close();
} finally {
  await infra.stop();
}
