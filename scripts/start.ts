// `npm start`: PostgreSQL (embedded unless DATABASE_URL), migrations, Temporal (dev server unless
// TEMPORAL_ADDRESS), the worker and the HTTP server as supervised children; `--demo` loads the
// pilot-shaped demo portfolio. Ctrl-C stops everything in order.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { parseEnv } from '../config/env';
import { createSql } from '../db/client';
import { migrate } from '../db/migrate';
import { failInterruptedImports } from '../import/import-jobs';
import { resumeDisbursements } from '../loans/disburse-loan';
import { resumeNotices } from '../network/start-notice';
import { syncGroups } from '../network/sync-groups';
import { ensureDatabase, startEmbeddedPostgres, type EmbeddedDb } from '../runtime/embedded-postgres';
import { say, withTimeout } from '../runtime/log';
import { supervise, type Supervised } from '../runtime/supervise';
import { startDevServer, waitForTemporal, type DevServer } from '../runtime/temporal-dev-server';
import { temporalTarget } from '../temporal/connection-options';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, ensureFirstAdmin, seedDemoAccounts } from './accounts';
import { seedDemo } from './demo-portfolio';
import { MAGURA_DEMO_ACCOUNTS, seedNetworkDemo } from './demo-network';
import { startBkashSimulator, type BkashSimulator } from '../bkash/simulator';
import { startSmsSimulator, type SmsSimulator } from '../sms/simulator';
import { startWhatsAppSimulator, type WhatsAppSimulator } from '../whatsapp/simulator';
import { smsSettings } from '../sms/config';
import { PolicyStore } from '../policy/policy-store';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const demo = process.argv.includes('--demo');
if (existsSync(path.join(root, '.env'))) process.loadEnvFile(path.join(root, '.env'));
const env = parseEnv();
const logs = path.join(env.dataDir, 'logs');
await mkdir(logs, { recursive: true });

let pg: EmbeddedDb | null = null;
let dev: DevServer | null = null;
let smsSim: SmsSimulator | null = null;
let waSim: WhatsAppSimulator | null = null;
let bkashSim: BkashSimulator | null = null;
const children: Supervised[] = [];
let shuttingDown = false;

async function shutdown(code: number): Promise<never> {
  if (!shuttingDown) {
    shuttingDown = true;
    say('asrayon', 'stopping …');
    await Promise.allSettled(children.map((c) => c.stop()));
    await Promise.allSettled([dev?.stop(), pg?.stop(), smsSim?.stop(), bkashSim?.stop(), waSim?.stop()]);
    say('asrayon', 'stopped');
  }
  process.exit(code);
}
// embedded-postgres installs exit hooks (async-exit-hook) that exit the process on SIGINT before
// our orderly shutdown runs; this process owns shutdown, so those listeners are replaced.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.removeAllListeners(signal);
  process.on(signal, () => void shutdown(0));
}

try {
  // 1. PostgreSQL
  let databaseUrl = env.DATABASE_URL;
  if (!databaseUrl) {
    pg = await startEmbeddedPostgres({ dataDir: env.dataDir, port: env.EMBEDDED_PG_PORT });
    await ensureDatabase(pg.urlFor('postgres'), 'asrayon');
    databaseUrl = pg.urlFor('asrayon');
  }
  const sql = createSql({ url: databaseUrl, ssl: env.DATABASE_SSL, sslCa: env.DATABASE_SSL_CA, max: 4, application: 'asrayon-start' });
  const applied = await withTimeout('migrations', 120_000, migrate(sql));
  say('db', applied.length ? `applied migrations: ${applied.join(', ')}` : 'schema is up to date');
  const interrupted = await failInterruptedImports(sql);
  if (interrupted) say('import', `${interrupted} import(s) interrupted by the last stop marked failed; upload them again`);

  // 2. Temporal
  let temporalAddress = env.TEMPORAL_ADDRESS;
  let temporalUi = env.TEMPORAL_UI_URL ?? null;
  if (!temporalAddress) {
    dev = await startDevServer({ dataDir: env.dataDir, port: env.TEMPORAL_DEV_PORT, uiPort: env.TEMPORAL_UI_PORT, niceness: env.BACKGROUND_NICENESS });
    temporalAddress = dev.address;
    temporalUi = dev.uiUrl;
  } else {
    say('temporal', `using ${temporalAddress} (namespace ${env.TEMPORAL_NAMESPACE})`);
    if (!env.TEMPORAL_TLS && !env.TEMPORAL_API_KEY) await waitForTemporal(temporalAddress, 30_000);
  }

  // 3. Simulators of the paid outside services (the demo uses them; real ones are configuration).
  const appUrl = `http://${env.HOST}:${env.PORT}`;
  const simEnv: Record<string, string> = {};
  if (demo) {
    smsSim = await startSmsSimulator({});
    bkashSim = await startBkashSimulator({ webhookUrl: `${appUrl}/api/bkash/webhook/JHENAIDAH-SADAR` });
    waSim = await startWhatsAppSimulator({ webhookUrl: `${appUrl}/api/whatsapp/webhook`, stepMs: 2_000 });
    Object.assign(simEnv, {
      WHATSAPP_MODE: 'simulator',
      WHATSAPP_BASE_URL: waSim.url,
      WHATSAPP_PHONE_NUMBER_ID: waSim.phoneNumberId,
      WHATSAPP_TOKEN: waSim.token,
      WHATSAPP_APP_SECRET: waSim.appSecret,
      WHATSAPP_VERIFY_TOKEN: 'asrayon-demo',
      SMS_PROVIDER: 'ssl-wireless',
      SMS_BASE_URL: smsSim.url,
      SSL_WIRELESS_API_TOKEN: smsSim.credentials.ssl.apiToken,
      SSL_WIRELESS_SID: smsSim.credentials.ssl.sid,
      BKASH_MODE: 'simulator',
      BKASH_SIMULATOR_URL: bkashSim.url,
      BKASH_BASE_URL: bkashSim.url,
      BKASH_USERNAME: bkashSim.credentials.username,
      BKASH_PASSWORD: bkashSim.credentials.password,
      BKASH_APP_KEY: bkashSim.credentials.appKey,
      BKASH_APP_SECRET: bkashSim.credentials.appSecret,
      BKASH_ACCOUNTS: JSON.stringify({ 'JHENAIDAH-SADAR': { shortCode: bkashSim.shortCode, topicArns: [bkashSim.topicArn] } }),
    });
  } else {
    smsSettings(env); // missing SMS credentials stop start-up here, not inside the worker
  }

  // 4. Worker and HTTP server
  const childEnv = {
    ...process.env,
    ...simEnv,
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: temporalAddress,
    ...(temporalUi ? { TEMPORAL_UI_URL: temporalUi } : {}),
  };
  const giveUp = (reason: string) => {
    say('asrayon', `${reason}; stopping. Logs: ${logs}`);
    void shutdown(1);
  };
  children.push(supervise({ name: 'worker', entry: path.join(root, 'worker/main.ts'), env: childEnv, logFile: path.join(logs, 'worker.log'), onGiveUp: giveUp, niceness: env.BACKGROUND_NICENESS }));
  children.push(supervise({ name: 'api', entry: path.join(root, 'api/main.ts'), env: childEnv, logFile: path.join(logs, 'api.log'), onGiveUp: giveUp }));

  // 4. Loans whose workflow never started (a crash between the insert and the start), then the demo.
  const target = temporalTarget(env, temporalAddress);
  const connection = await Connection.connect({ address: target.address, tls: target.tls, apiKey: target.apiKey });
  const temporal = new Client({ connection, namespace: target.namespace });
  const runtime = { sql, temporal, taskQueue: env.TEMPORAL_TASK_QUEUE };
  const resumed = await resumeDisbursements(runtime);
  if (resumed) say('loans', `started ${resumed} loan workflow(s) left waiting by an earlier stop`);
  await resumeNotices(sql, temporal, env.TEMPORAL_TASK_QUEUE);
  await syncGroups(sql);
  await waitForHttp(`${appUrl}/api/health`, 90_000);
  let accountsNote = '';
  if (demo) {
    const policy = await PolicyStore.open(env.rulesDir);
    await seedDemo(runtime, policy, (m) => say('demo', m));
    await seedDemoAccounts(sql);
    await seedNetworkDemo(sql, (m) => say('demo', m));
    accountsNote = `  Demo logins (password ${DEMO_PASSWORD}): ${[...DEMO_ACCOUNTS, ...MAGURA_DEMO_ACCOUNTS].map((a) => a.username).join(', ')}\n`;
  }
  const firstAdmin = await ensureFirstAdmin(sql);
  if (firstAdmin) accountsNote += `  First login: ${firstAdmin.username} / ${firstAdmin.password}  (shown once; change it at first login)\n`;

  const line = '─'.repeat(64);
  process.stderr.write(
    `\n${line}\n  Asrayon is running\n` +
      `  App:              ${appUrl}/\n` +
      `  Health:           ${appUrl}/api/health\n` +
      `  Temporal Web UI:  ${temporalUi ?? '(external Temporal; none started)'}\n` +
      `  Temporal gRPC:    ${temporalAddress}  namespace ${env.TEMPORAL_NAMESPACE}\n` +
      `  PostgreSQL:       ${pg ? `embedded, 127.0.0.1:${pg.port}, data in ${path.join(env.dataDir, 'pg')}` : 'DATABASE_URL'}\n` +
      `  Logs:             ${logs}\n` +
      (waSim ? `  WhatsApp sim.:    ${waSim.url} (Cloud API shapes; statuses to /api/whatsapp/webhook)\n` : '') +
      (smsSim ? `  SMS simulator:    ${smsSim.url} (SSL Wireless and BulkSMSBD shapes)\n` : `  SMS:              ${env.SMS_PROVIDER}\n`) +
      (bkashSim ? `  bKash simulator:  ${bkashSim.url} (statement: ${bkashSim.url}/statement.csv)\n` : '') +
      accountsNote +
      `  Ctrl-C stops everything.\n${line}\n\n`,
  );
} catch (err) {
  say('asrayon', `could not start: ${(err as Error).message}`);
  await shutdown(1);
}

async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
      if (res.ok) return;
      last = `HTTP ${res.status}: ${await res.text()}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s (${last})`);
}
