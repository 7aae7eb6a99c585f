// The browser tests drive Debian's Chromium (playwright-core cannot download its own browser here).
// Finds it, or installs the Debian package when running as root; otherwise says what to install.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].filter(Boolean);

export function findChromium() {
  return CANDIDATES.find((p) => existsSync(p)) ?? null;
}

export function ensureChromium() {
  const found = findChromium();
  if (found) return found;
  if (process.getuid?.() !== 0) {
    throw new Error('Chromium is needed for the browser tests: install the Debian package (sudo apt-get install chromium) or set CHROMIUM_PATH.');
  }
  console.error('[setup] installing Chromium (Debian package chromium) for the browser tests …');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  let res = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], { stdio: 'inherit', env, timeout: 15 * 60_000 });
  if (res.status !== 0) {
    spawnSync('apt-get', ['update'], { stdio: 'inherit', env, timeout: 10 * 60_000 });
    res = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], { stdio: 'inherit', env, timeout: 15 * 60_000 });
  }
  const installed = findChromium();
  if (!installed) throw new Error('could not install Chromium with apt-get; install the Debian package chromium, or set CHROMIUM_PATH');
  return installed;
}
