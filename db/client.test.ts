import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../tests/test-db';
import { createSql, type Sql } from './client';

describe('database client', () => {
  let db: TestDb;
  let timed: Sql;
  beforeAll(async () => {
    db = await createTestDb();
    timed = createSql({ url: db.url, max: 2, lockTimeoutMs: 300 });
    await db.sql`CREATE TABLE lock_probe (id int PRIMARY KEY, n int NOT NULL)`;
    await db.sql`INSERT INTO lock_probe VALUES (1, 0)`;
  });
  afterAll(async () => {
    await timed?.end({ timeout: 5 });
    await db?.drop();
  });

  it('gives up on a row lock held elsewhere after lockTimeoutMs, and writes nothing', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    const holder = db.sql.begin(async (tx) => {
      await tx`SELECT * FROM lock_probe WHERE id = 1 FOR UPDATE`;
      locked();
      await held;
    });
    try {
      await isLocked;
      const t = performance.now();
      const err = await timed.begin(async (tx) => {
        await tx`INSERT INTO lock_probe VALUES (2, 0)`;
        await tx`UPDATE lock_probe SET n = n + 1 WHERE id = 1`;
      }).then(() => null, (e: { code?: string }) => e);
      const waited = performance.now() - t;
      expect(err?.code).toBe('55P03'); // lock_not_available
      expect(waited).toBeGreaterThanOrEqual(250);
      expect(waited).toBeLessThan(5_000);
    } finally {
      release();
      await holder;
    }
    expect(await db.sql`SELECT id, n FROM lock_probe ORDER BY id`).toEqual([{ id: 1, n: 0 }]);
  });
});
