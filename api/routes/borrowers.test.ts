import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, type ApiHarness } from '../../tests/api-harness';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness();
}, 240_000);
afterAll(async () => {
  await api?.close();
});

type PageOf = { items: { id: string; name: string; createdAt: string }[]; nextCursor: string | null };

describe('borrowers over HTTP', () => {
  it('adds a borrower to a society of the own upazila, and refuses a bad mobile naming the field', async () => {
    const uco = await api.as('upazila_officer');
    const ok = await api.request(uco, 'POST', '/api/borrowers', { societyId: 'SOC-1', name: 'আমেনা বেগম', fatherOrHusbandName: 'আব্দুল মজিদ', mobile: '01812340000', nid: '1234567890' });
    expect(ok.status).toBe(201);
    expect(((await ok.json()) as { borrower: { name: string; blacklisted: boolean } }).borrower).toMatchObject({ name: 'আমেনা বেগম', blacklisted: false });
    const bad = await api.request(uco, 'POST', '/api/borrowers', { societyId: 'SOC-1', name: 'x', fatherOrHusbandName: 'y', mobile: '0181234' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { field: string } }).error.field).toBe('mobile');
    const dup = await api.request(uco, 'POST', '/api/borrowers', { societyId: 'SOC-1', name: 'z', fatherOrHusbandName: 'y', nid: '1234567890' });
    expect(dup.status).toBe(409);
  });

  it.each(['name', '-name', 'createdAt', '-createdAt'])('sorts by %s and pages through every borrower once', async (sort) => {
    const hq = await api.as('hq_admin');
    const seen: PageOf['items'] = [];
    let cursor: string | null = null;
    do {
      const p: PageOf = (await (await api.request(hq, 'GET', `/api/borrowers?limit=2&sort=${sort}${cursor ? `&cursor=${cursor}` : ''}`)).json()) as PageOf;
      seen.push(...p.items);
      cursor = p.nextCursor;
    } while (cursor);
    const [{ n }] = await api.sql<[{ n: number }]>`SELECT count(*)::int AS n FROM borrowers`;
    expect(new Set(seen.map((b) => b.id)).size).toBe(n);
    const key = sort.replace('-', '') as 'name' | 'createdAt';
    const values = seen.map((b) => b[key]);
    const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    expect(values).toEqual(sort.startsWith('-') ? sorted.reverse() : sorted);
  });
});
