import { readFile, writeFile, mkdir } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';

export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

export function randomFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ port: 0, host, exclusive: true }, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * A port for one of our local services: the one this data folder used last time (so links and
 * connection strings stay stable across restarts), else the preferred one, else any free port.
 * `avoid` lists ports never to take even when free (e.g. 5432, which belongs to a system PostgreSQL).
 */
export async function choosePort(dataDir: string, name: string, preferred: number | undefined, avoid: number[] = []): Promise<number> {
  const file = path.join(dataDir, 'ports.json');
  let remembered: Record<string, number> = {};
  try {
    remembered = JSON.parse(await readFile(file, 'utf8')) as Record<string, number>;
  } catch {
    // first start in this data folder
  }
  const candidates = [remembered[name], preferred].filter((p): p is number => typeof p === 'number' && !avoid.includes(p));
  let chosen: number | undefined;
  for (const candidate of candidates) {
    if (await isPortFree(candidate)) {
      chosen = candidate;
      break;
    }
  }
  while (chosen === undefined) {
    const port = await randomFreePort();
    if (!avoid.includes(port)) chosen = port;
  }
  if (remembered[name] !== chosen) {
    // Re-read just before writing: another service may have recorded its port meanwhile.
    let latest: Record<string, number> = {};
    try {
      latest = JSON.parse(await readFile(file, 'utf8')) as Record<string, number>;
    } catch {
      // none yet
    }
    await mkdir(dataDir, { recursive: true });
    await writeFile(file, JSON.stringify({ ...latest, [name]: chosen }, null, 2));
  }
  return chosen;
}

/** Drops a remembered port (it turned out to be taken), so the next choice starts afresh. */
export async function forgetPort(dataDir: string, name: string): Promise<void> {
  const file = path.join(dataDir, 'ports.json');
  try {
    const remembered = JSON.parse(await readFile(file, 'utf8')) as Record<string, number>;
    delete remembered[name];
    await writeFile(file, JSON.stringify(remembered, null, 2));
  } catch {
    // nothing remembered
  }
}
