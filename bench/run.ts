// `npm run bench`: every benchmark in turn, each printing one JSON line.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const benches = ['temporal-ceiling.ts', 'workflow-memory.ts', 'loan-engine.ts', 'payment-notifications.ts', 'import.ts', 'dashboard.ts', 'reports.ts', 'deadline-herd.ts'];
let failed = 0;
for (const b of benches) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, b)], { stdio: 'inherit' });
  if (r.status !== 0) failed += 1;
}
process.exit(failed ? 1 : 0);
