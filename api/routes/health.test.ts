import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createSql } from '../../db/client';
import { createTestDb, type TestDb } from '../../tests/test-db';
import { createApp } from '../app';

let db: TestDb;
let connection: Connection;
let temporal: Client;

beforeAll(async () => {
  db = await createTestDb();
  connection = await Connection.connect({ address: inject('temporalAddress') });
  temporal = new Client({ connection });
});
afterAll(async () => {
  await connection?.close();
  await db?.drop();
});

describe('GET /api/health', () => {
  it('answers ok when the database and Temporal both answer', async () => {
    const res = await createApp({ sql: db.sql, temporal, taskQueue: 'unused' }).request('/api/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', db: 'ok', temporal: 'ok' });
  });

  it('answers 503 naming the database when it is unreachable', async () => {
    const dead = createSql({ url: 'postgres://nobody@127.0.0.1:1/none', max: 1 });
    const res = await createApp({ sql: dead, temporal, taskQueue: 'unused' }).request('/api/health');
    expect(res.status).toBe(503);
    const body = (await res.json()) as { status: string; db: string; temporal: string };
    expect(body.status).toBe('degraded');
    expect(body.db).toMatch(/^error: /);
    expect(body.temporal).toBe('ok');
    await dead.end();
  });

  it('answers 503 naming Temporal when its namespace cannot be reached', async () => {
    const elsewhere = new Client({ connection, namespace: 'no-such-namespace' });
    const res = await createApp({ sql: db.sql, temporal: elsewhere, taskQueue: 'unused' }).request('/api/health');
    expect(res.status).toBe(503);
    const body = (await res.json()) as { db: string; temporal: string };
    expect(body.db).toBe('ok');
    expect(body.temporal).toMatch(/^error: /);
  });

  it('gives unknown routes the one error shape with a request id', async () => {
    const res = await createApp({ sql: db.sql, temporal, taskQueue: 'unused' }).request('/api/nothing-here', { headers: { 'x-request-id': 'req-123' } });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'no route GET /api/nothing-here', requestId: 'req-123' } });
  });
});
