// Two Asrayon instances on one machine: each data folder gets its own PostgreSQL and Temporal ports,
// a taken port is never reused, 5432 is never chosen, and a restart keeps the ports it had.
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from '../runtime/embedded-postgres';
import { choosePort, isPortFree } from '../runtime/ports';
import { startDevServer } from '../runtime/temporal-dev-server';

const dirs: string[] = [];
async function scratch(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'asrayon-side-'));
  await chmod(dir, 0o755);
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

function occupy(): Promise<{ port: number; close: () => Promise<void> }> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      resolve({ port, close: () => new Promise((r) => server.close(() => r())) });
    });
  });
}

describe('ports', () => {
  it('takes another port when the preferred one is busy, and remembers it per data folder', async () => {
    const dir = await scratch();
    const busy = await occupy();
    const chosen = await choosePort(dir, 'postgres', busy.port);
    expect(chosen).not.toBe(busy.port);
    expect(await isPortFree(chosen)).toBe(true);
    expect(JSON.parse(await readFile(path.join(dir, 'ports.json'), 'utf8'))).toEqual({ postgres: chosen });
    expect(await choosePort(dir, 'postgres', busy.port)).toBe(chosen);
    await busy.close();
  });

  it('never picks a port on the avoid list even when it is free', async () => {
    const dir = await scratch();
    const free = await occupy();
    await free.close();
    expect(await choosePort(dir, 'postgres', free.port, [free.port])).not.toBe(free.port);
  });
});

describe('two instances side by side', () => {
  it('runs a second PostgreSQL and Temporal dev server beside the first without clashing', async () => {
    const [a, b] = [await scratch(), await scratch()];
    const [pgA, pgB] = await Promise.all([startEmbeddedPostgres({ dataDir: a, fast: true }), startEmbeddedPostgres({ dataDir: b, fast: true })]);
    try {
      expect(pgA.port).not.toBe(pgB.port);
      expect([pgA.port, pgB.port]).not.toContain(5432);
      for (const pg of [pgA, pgB]) {
        const sql = postgres(pg.urlFor('postgres'), { max: 1 });
        const [{ port }] = await sql<[{ port: string }]>`SHOW port`;
        expect(Number(port)).toBe(pg.port);
        await sql.end();
      }
    } finally {
      await Promise.all([pgA.stop(), pgB.stop()]);
    }
    const [tA, tB] = await Promise.all([
      startDevServer({ dataDir: a, ui: false, readyTimeoutMs: 120_000 }),
      startDevServer({ dataDir: b, ui: false, readyTimeoutMs: 120_000 }),
    ]);
    try {
      expect(tA.address).not.toBe(tB.address);
    } finally {
      await Promise.all([tA.stop(), tB.stop()]);
    }
  });
});
