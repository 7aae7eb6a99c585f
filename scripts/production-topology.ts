// `npm run topology`: the production topology on this one machine, for trying it and for load tests:
// one PostgreSQL (the application's database and Temporal's two), the real Temporal server on it
// (built from go.temporal.io/server the first time), WORKERS worker processes and APIS API/web
// processes (default 2 each) behind one address (PORT, default any free port). Ctrl-C stops it all.
// State lives in DATA_DIR/topology and survives a restart. deploy/README.md spreads the same parts
// over several machines.
import path from 'node:path';
import { createSql } from '../db/client';
import { say } from '../runtime/log';
import { startTopology } from '../runtime/topology';
import { ensureFirstAdmin } from './accounts';

const dataDir = path.resolve(process.env.DATA_DIR ?? './data', 'topology');
const topo = await startTopology({
  dataDir,
  workers: Number(process.env.WORKERS ?? 2),
  apis: Number(process.env.APIS ?? 2),
  port: process.env.PORT ? Number(process.env.PORT) : undefined,
  numHistoryShards: Number(process.env.TEMPORAL_NUM_HISTORY_SHARDS ?? 16),
});
const sql = createSql({ url: topo.databaseUrl, max: 1 });
const admin = await ensureFirstAdmin(sql);
await sql.end();

say('topology', `web app and API:  ${topo.url}`);
say('topology', `Temporal server:  ${topo.temporalAddress} (PostgreSQL databases temporal, temporal_visibility)`);
say('topology', `application DB:   ${topo.databaseUrl.replace(/:[^:@/]+@/, ':…@')}`);
say('topology', `processes:        ${topo.workers.length} workers, ${topo.apis.length} API (ports ${topo.apiPorts.join(', ')}); logs in ${path.join(dataDir, 'logs')}`);
if (admin) say('topology', `first login:      ${admin.username} / ${admin.password} (change it at once)`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  say('topology', 'stopping …');
  await topo.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
