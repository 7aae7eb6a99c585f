// Forward-only plain-SQL migrations: files in db/migrations applied in name order, each in its own
// transaction, recorded with a checksum so an edited, already-applied file is caught.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Sql } from './client';

const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');
const LOCK_ID = 7_263_512; // pg_advisory_xact_lock key: only one migrator at a time

export async function migrate(sql: Sql, dir = MIGRATIONS_DIR): Promise<string[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  const applied: string[] = [];
  await sql`CREATE TABLE IF NOT EXISTS schema_migrations (
    name text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`;
  for (const name of files) {
    const text = await readFile(path.join(dir, name), 'utf8');
    const checksum = createHash('sha256').update(text).digest('hex');
    const done = await sql.begin(async (tx) => {
      await tx`SELECT pg_advisory_xact_lock(${LOCK_ID})`;
      const [row] = await tx<{ checksum: string }[]>`SELECT checksum FROM schema_migrations WHERE name = ${name}`;
      if (row) {
        if (row.checksum !== checksum) {
          throw new Error(`migration ${name} was changed after it was applied; add a new migration instead`);
        }
        return false;
      }
      await tx.unsafe(text);
      await tx`INSERT INTO schema_migrations (name, checksum) VALUES (${name}, ${checksum})`;
      return true;
    });
    if (done) applied.push(name);
  }
  return applied;
}
