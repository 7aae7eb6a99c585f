// Builds the SvelteKit app (web/) into web/build when its sources changed since the last build.
// Paraglide's compiler loads the inlang message-format plugin from a CDN; this machine (and many
// office networks) cannot reach it, so the plugin is placed in the project's plugin cache from
// node_modules first (the SDK falls back to that cache when the fetch fails).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const web = path.join(root, 'web');
const stampFile = path.join(web, 'build', '.sources-sha256');

/** The cache file name the inlang SDK uses for a module URL: 64-bit FNV-1a in base 36 (sdk/dist/plugin/cache.js). */
function inlangCacheName(url) {
  let hash = 14695981039346656037n;
  for (const byte of new TextEncoder().encode(url)) hash = BigInt.asUintN(64, (hash ^ BigInt(byte)) * 1099511628211n);
  return hash.toString(36);
}

export function preparePluginCache() {
  const settings = JSON.parse(readFileSync(path.join(web, 'project.inlang/settings.json'), 'utf8'));
  const local = path.join(root, 'node_modules/@inlang/plugin-message-format/dist/index.js');
  const dir = path.join(web, 'project.inlang/cache/plugins');
  mkdirSync(dir, { recursive: true });
  for (const url of settings.modules ?? []) {
    if (!url.includes('plugin-message-format')) throw new Error(`web/project.inlang: no local copy for inlang module ${url}`);
    copyFileSync(local, path.join(dir, inlangCacheName(url)));
  }
}

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    if (['node_modules', 'build', '.svelte-kit', 'paraglide', 'cache'].includes(name)) continue;
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) walk(full, out);
    else out.push(full);
  }
  return out;
}

/** A hash of everything the build reads from this repository: web/, domain/ and api/ types. */
function sourcesHash() {
  const files = [...walk(web, []), ...walk(path.join(root, 'domain'), []), path.join(root, 'package-lock.json')].sort();
  const h = createHash('sha256');
  for (const f of files) h.update(path.relative(root, f)).update('\0').update(readFileSync(f));
  return h.digest('hex');
}

const lockDir = path.join(web, '.build-lock');
const LOCK_STALE_MS = 5 * 60_000;

/** One build at a time (test files, `npm start` and people may build at once); a lock left by a killed build expires. */
function withLock(fn) {
  const waitUntil = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      mkdirSync(lockDir);
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      try {
        if (Date.now() - statSync(lockDir).mtimeMs > LOCK_STALE_MS) rmSync(lockDir, { recursive: true, force: true });
      } catch {
        // gone meanwhile
      }
      if (Date.now() > waitUntil) throw new Error(`web build: ${lockDir} is held by another build for over 10 minutes`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

export function buildWeb(opts = {}) {
  return withLock(() => buildUnlocked(opts));
}

function buildUnlocked({ force = false, quiet = false }) {
  const hash = sourcesHash();
  if (!force && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === hash && existsSync(path.join(web, 'build/handler.js'))) return false;
  preparePluginCache();
  const started = Date.now();
  if (!quiet) console.error('[web] building the web app (vite build)…');
  const res = spawnSync(process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', quiet ? 'error' : 'warn'], {
    cwd: web,
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (res.status !== 0) throw new Error(`web build failed (vite exited ${res.status ?? res.signal})`);
  writeFileSync(stampFile, hash);
  if (!quiet) console.error(`[web] built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return true;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) buildWeb({ force: process.argv.includes('--force') });
