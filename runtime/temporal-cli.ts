// Finds or provisions the Temporal CLI (which contains the dev server), in this order:
// `temporal` on PATH → a cached copy in the user's cache folder → the official download →
// `go install github.com/temporalio/cli/cmd/temporal@v1.5.1` (later tags carry `replace`
// directives and refuse `go install`). The cache lives outside the clone so every clone, every
// test run and CI on the same machine reuse one binary.
import { execFile, spawn } from 'node:child_process';
import { access, chmod, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { constants } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { say, withTimeout } from './log';

const run = promisify(execFile);
export const TEMPORAL_CLI_VERSION = '1.5.1';

export function cacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'asrayon', `temporal-${TEMPORAL_CLI_VERSION}`);
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function works(binary: string): Promise<boolean> {
  try {
    const { stdout } = await run(binary, ['--version'], { timeout: 15_000 });
    return stdout.includes('temporal');
  } catch {
    return false;
  }
}

async function onPath(name: string): Promise<string | null> {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (await isExecutable(candidate)) return candidate;
  }
  return null;
}

async function download(target: string): Promise<void> {
  const arch = process.arch === 'arm64' ? 'arm64' : 'amd64';
  const url = `https://temporal.download/cli/archive/v${TEMPORAL_CLI_VERSION}?platform=${process.platform}&arch=${arch}`;
  const response = await fetch(url, { signal: AbortSignal.timeout(20_000) });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const archive = path.join(path.dirname(target), 'temporal.tar.gz');
  await writeFile(archive, Buffer.from(await response.arrayBuffer()));
  await run('tar', ['-xzf', archive, '-C', path.dirname(target), 'temporal'], { timeout: 60_000 });
  await rm(archive, { force: true });
}

async function findGo(): Promise<string | null> {
  return (await onPath('go')) ?? ((await isExecutable('/usr/local/go/bin/go')) ? '/usr/local/go/bin/go' : null);
}

async function goInstall(go: string, dir: string): Promise<void> {
  // Build into a scratch folder, then move into place, so an interrupted build leaves no half binary.
  const scratch = path.join(dir, `build-${process.pid}`);
  await mkdir(scratch, { recursive: true });
  await new Promise<void>((resolve, reject) => {
    const child = spawn(go, ['install', `github.com/temporalio/cli/cmd/temporal@v${TEMPORAL_CLI_VERSION}`], {
      env: { ...process.env, GOBIN: scratch, GOFLAGS: '-mod=mod', CGO_ENABLED: '0' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 20 * 60_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`go install exited with ${code}:\n${stderr}`));
    });
  });
  await rename(path.join(scratch, 'temporal'), path.join(dir, 'temporal'));
  await rm(scratch, { recursive: true, force: true });
}

/** The path of a working `temporal` binary, provisioning one if needed. */
export async function provisionTemporalCli(): Promise<string> {
  const fromPath = await onPath('temporal');
  if (fromPath && (await works(fromPath))) {
    say('temporal', `using ${fromPath} from PATH`);
    return fromPath;
  }
  const dir = cacheDir();
  const cached = path.join(dir, 'temporal');
  if ((await isExecutable(cached)) && (await works(cached))) return cached;

  await mkdir(dir, { recursive: true });
  say('temporal', `no Temporal CLI found; downloading v${TEMPORAL_CLI_VERSION} into ${dir} …`);
  try {
    await withTimeout('download', 60_000, download(cached));
    await chmod(cached, 0o755);
    if (await works(cached)) return cached;
    throw new Error('downloaded binary does not run');
  } catch (err) {
    say('temporal', `download failed (${(err as Error).message}); building it with go install instead`);
  }
  const go = await findGo();
  if (!go) {
    throw new Error(
      'cannot provision the Temporal CLI: it is not on PATH, not cached in ' +
        `${dir}, the download failed, and Go is not installed. Install Temporal CLI ${TEMPORAL_CLI_VERSION} ` +
        'or Go, or set TEMPORAL_ADDRESS to an existing Temporal server.',
    );
  }
  say('temporal', `go install github.com/temporalio/cli/cmd/temporal@v${TEMPORAL_CLI_VERSION} (takes 3–10 minutes once; cached afterwards) …`);
  const started = Date.now();
  await goInstall(go, dir);
  if (!(await works(cached))) throw new Error(`go install finished but ${cached} does not run`);
  say('temporal', `built in ${Math.round((Date.now() - started) / 1000)} s → ${cached}`);
  return cached;
}
