import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addBorrower } from '../../tests/loan-harness';
import { createApp } from '../app';
import { createApiHarness, type ApiHarness } from '../../tests/api-harness';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness();
}, 240_000);
afterAll(async () => {
  await api?.close();
});

async function json<T>(res: Response | Promise<Response>): Promise<T> {
  return (await (await res).json()) as T;
}

describe('loans over HTTP', () => {
  it('disburses, shows the schedule and the live workflow, takes a cash receipt once, and closes with a reason', async () => {
    const uco = await api.as('upazila_officer');
    const borrowerId = await addBorrower(api.sql, '01755555555');
    const created = await api.request(uco, 'POST', '/api/loans', { borrowerId, productCode: 'MONTHLY', principalPoisha: 1_200_000 });
    expect(created.status).toBe(201);
    const { loan } = (await created.json()) as { loan: { id: string; code: string } };
    expect(loan.code).toMatch(/^[2-9A-HJ-NP-Z]{8}$/);
    await api.h.waitFor(loan.id, (v) => v.status === 'active');

    const detail = await json<{ loan: { status: string; totalOwedPoisha: number }; installments: { amountPoisha: number }[] }>(api.request(uco, 'GET', `/api/loans/${loan.id}`));
    expect(detail.loan).toMatchObject({ status: 'active', totalOwedPoisha: 1_260_000 });
    expect(detail.installments).toHaveLength(12);
    expect(detail.installments.reduce((t, i) => t + i.amountPoisha, 0)).toBe(1_260_000);

    const receipt = { receiptNo: 'JHS-2026-0001', amountPoisha: 105_000, provider: 'cash' };
    const paid = await json<{ result: { outcome: string; duplicate: boolean; allocations: unknown[] } }>(api.request(await api.as('collector'), 'POST', `/api/loans/${loan.id}/payments`, receipt));
    expect(paid.result).toMatchObject({ outcome: 'applied', duplicate: false, allocations: [{ seq: 1, amountPoisha: 105_000 }] });
    const again = await json<{ result: { duplicate: boolean } }>(api.request(uco, 'POST', `/api/loans/${loan.id}/payments`, receipt));
    expect(again.result.duplicate).toBe(true);
    const [{ n }] = await api.sql<[{ n: number }]>`SELECT count(*)::int AS n FROM payments WHERE loan_id = ${loan.id}`;
    expect(n).toBe(1);

    const timeline = await json<{ events: { kind: string; actor: string }[]; live: { status: string; paidPoisha: number } | null; workflowId: string }>(api.request(uco, 'GET', `/api/loans/${loan.id}/timeline`));
    expect(timeline.workflowId).toBe(`loan-${loan.id}`);
    expect(timeline.live).toMatchObject({ status: 'active', paidPoisha: 105_000 });
    expect(timeline.events.map((e) => e.kind)).toEqual(['disbursed', 'payment']);
    expect(timeline.events[0]!.actor).toBe(api.accounts.upazila_officer.id);

    const short = await api.request(uco, 'POST', `/api/loans/${loan.id}/close`, { kind: 'write_off', reason: 'no' });
    expect(short.status).toBe(400);
    const closed = await json<{ status: string }>(api.request(uco, 'POST', `/api/loans/${loan.id}/close`, { kind: 'write_off', reason: 'family moved abroad; board resolution 7' }));
    expect(closed.status).toBe('written_off');
    const late = await api.request(uco, 'POST', `/api/loans/${loan.id}/payments`, { receiptNo: 'JHS-2026-0002', amountPoisha: 100, provider: 'cash' });
    expect([409, 422]).toContain(late.status);
  });

  it('refuses a new loan for a blacklisted borrower with 409 naming the borrower', async () => {
    const uco = await api.as('upazila_officer');
    const borrowerId = await addBorrower(api.sql, '01766666666');
    const [loanId] = Object.values(api.loans);
    await api.sql`INSERT INTO blacklist (borrower_id, loan_id, listed_at, rule_name, rule_version, facts) VALUES (${borrowerId}, ${loanId!}, now(), 'test', 'test+0', '{}')`;
    const res = await api.request(uco, 'POST', '/api/loans', { borrowerId, productCode: 'MONTHLY', principalPoisha: 100_000 });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ error: { code: 'CONFLICT', field: 'borrowerId' } });
  });

  it.each([
    [{ productCode: 'MONTHLY', principalPoisha: 0 }, 'principalPoisha'],
    [{ productCode: 'MONTHLY', principalPoisha: 10.5 }, 'principalPoisha'],
    [{ productCode: 'MONTHLY', principalPoisha: 1000, disbursedOn: '2026-02-30x' }, 'disbursedOn'],
    [{ productCode: 'MONTHLY', principalPoisha: 1000, disbursedOn: '2999-01-01' }, 'disbursedOn'],
  ])('refuses a bad disbursement %j naming %s', async (body, field) => {
    const borrowerId = await addBorrower(api.sql, '01777777777');
    const res = await api.request(await api.as('upazila_officer'), 'POST', '/api/loans', { borrowerId, ...body });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { field: string } }).error.field).toBe(field);
    const [{ n }] = await api.sql<[{ n: number }]>`SELECT count(*)::int AS n FROM loans WHERE borrower_id = ${borrowerId}`;
    expect(n).toBe(0);
  });

  it("links the timeline to the same workflow in the Temporal Web UI when its address is configured", async () => {
    const id = api.loans['JHENAIDAH-SADAR']!;
    const uco = await api.as('upazila_officer');
    const bare = await json<{ temporalUiUrl: string | null }>(api.request(uco, 'GET', `/api/loans/${id}/timeline`));
    expect(bare.temporalUiUrl).toBeNull();
    const linked = createApp({ sql: api.sql, temporal: api.h.temporal, taskQueue: api.h.taskQueue, policy: api.h.policy, links: { temporalUi: 'http://localhost:8233/' } });
    const res = await linked.request(`/api/loans/${id}/timeline`, { headers: { cookie: uco } });
    expect(((await res.json()) as { temporalUiUrl: string }).temporalUiUrl).toBe(`http://localhost:8233/namespaces/default/workflows/loan-${id}`);
  });

  it('pages through loans with a cursor, newest first, without repeats or gaps', async () => {
    const hq = await api.as('hq_admin');
    const all = await json<{ items: { id: string }[] }>(api.request(hq, 'GET', '/api/loans?limit=500'));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const p: { items: { id: string }[]; nextCursor: string | null } = await json(api.request(hq, 'GET', `/api/loans?limit=2${cursor ? `&cursor=${cursor}` : ''}`));
      seen.push(...p.items.map((i) => i.id));
      cursor = p.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.items.map((i) => i.id));
    const bad = await api.request(hq, 'GET', '/api/loans?cursor=garbage');
    expect(bad.status).toBe(400);
    for (const sort of ['code', '-code', 'principalPoisha', '-paidPoisha', 'disbursedAt']) {
      const ids: string[] = [];
      const values: (string | number)[] = [];
      let next: string | null = null;
      do {
        const p: { items: { id: string; code: string; principalPoisha: number; paidPoisha: number; disbursedAt: string }[]; nextCursor: string | null } =
          await json(api.request(hq, 'GET', `/api/loans?limit=3&sort=${sort}${next ? `&cursor=${next}` : ''}`));
        for (const item of p.items) {
          ids.push(item.id);
          values.push(item[sort.replace('-', '') as 'code']);
        }
        next = p.nextCursor;
      } while (next);
      expect(ids.slice().sort()).toEqual(all.items.map((i) => i.id).sort());
      const ordered = values.slice().sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      expect(values).toEqual(sort.startsWith('-') ? ordered.reverse() : ordered);
    }
    expect((await api.request(hq, 'GET', '/api/loans?sort=borrowerSecret')).status).toBe(400);
  });
});

describe('the OpenAPI document', () => {
  it('describes every route from the same schemas that validate requests', async () => {
    const doc = await json<{ openapi: string; paths: Record<string, Record<string, unknown>>; components: { schemas: Record<string, unknown> } }>(api.request(null, 'GET', '/api/openapi.json'));
    expect(doc.openapi).toBe('3.1.0');
    for (const [path, method] of [
      ['/api/health', 'get'], ['/api/auth/login', 'post'], ['/api/users', 'post'], ['/api/users/{id}/deactivate', 'post'],
      ['/api/offices', 'get'], ['/api/societies', 'post'], ['/api/borrowers', 'get'], ['/api/loans', 'post'],
      ['/api/loans/{id}/timeline', 'get'], ['/api/loans/{id}/payments', 'post'], ['/api/defaulters', 'get'], ['/api/blacklist', 'get'],
    ] as const) {
      expect(doc.paths[path]?.[method], `${method} ${path}`).toBeDefined();
    }
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['Error', 'User', 'Borrower', 'Loan']));
  });
});
