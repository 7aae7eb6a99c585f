// One real Temporal dev server and one real PostgreSQL for the whole run, started here and shared
// by every test file (each file gets its own database and task queue). The workflow bundle is
// built once, because webpack on 2 cores costs seconds per build.
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres, type EmbeddedDb } from '../runtime/embedded-postgres';
import { startDevServer, type DevServer } from '../runtime/temporal-dev-server';
import { WORKFLOWS_PATH } from '../worker/create-worker';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    pgAdminUrl: string;
    workflowBundlePath: string;
    chromiumPath: string;
  }
}

let temporal: DevServer | null = null;
let db: EmbeddedDb | null = null;
let scratch: string | null = null;

export async function setup(project: TestProject) {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'asrayon-test-'));
  await chmod(scratch, 0o755); // PostgreSQL runs as another user when we are root
  const results = await Promise.allSettled([
    process.env.TEST_TEMPORAL_ADDRESS ? null : startDevServer({ dataDir: path.join(scratch, 'temporal'), persist: false, ui: false, readyTimeoutMs: 120_000 }),
    process.env.TEST_DATABASE_URL ? null : startEmbeddedPostgres({ dataDir: path.join(scratch, 'pg'), fast: true }),
    bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} } as never }),
  ]);
  temporal = results[0].status === 'fulfilled' ? results[0].value : null;
  db = results[1].status === 'fulfilled' ? results[1].value : null;
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) {
    await teardown();
    throw failed.reason;
  }
  // The browser tests load web/build; rebuilt here only when web/ changed (a no-op under `npm test`, which built it).
  const web = (await import('../scripts/build-web.mjs' as string)) as { buildWeb(o: { quiet: boolean }): boolean };
  const chromium = (await import('../scripts/ensure-chromium.mjs' as string)) as { ensureChromium(): string };
  web.buildWeb({ quiet: true });
  project.provide('chromiumPath', chromium.ensureChromium());
  const server = temporal;
  const pg = db;
  const bundle = (results[2] as PromiseFulfilledResult<{ code: string }>).value;
  const bundlePath = path.join(scratch, 'workflow-bundle.js');
  await writeFile(bundlePath, bundle.code);
  project.provide('temporalAddress', process.env.TEST_TEMPORAL_ADDRESS ?? server!.address);
  project.provide('pgAdminUrl', process.env.TEST_DATABASE_URL ?? pg!.urlFor('postgres'));
  project.provide('workflowBundlePath', bundlePath);
}

export async function teardown() {
  await Promise.allSettled([temporal?.stop(), db?.stop()]);
  if (scratch) await rm(scratch, { recursive: true, force: true });
}
