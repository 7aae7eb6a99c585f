import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, type ApiHarness } from '../../tests/api-harness';

let api: ApiHarness;
interface Body {
  items: { id: string; loanCode: string; officeId: string; status: string; segments: number | null; costPoisha: number | null; template: string }[];
  nextCursor: string | null;
  summary: { messages: number; segments: number; costPoisha: number; byStatus: Record<string, number> };
}

beforeAll(async () => {
  api = await createApiHarness();
  // Known messages beside whatever the loans' workflows queued: two per upazila, one delivered (2 parts, ৳0.50 each) and one failed.
  for (const [upazila, loanId] of Object.entries(api.loans)) {
    const borrowerId = api.borrowers[upazila]!;
    await api.sql`INSERT INTO outbox (idempotency_key, channel, recipient, borrower_id, loan_id, template, params, body, status, segments, cost_poisha, sent_at)
      VALUES (${`t-del-${upazila}`}, 'sms', '01712345678', ${borrowerId}, ${loanId}, 'installment_reminder', '{}', 'কিস্তি মনে করিয়ে দেওয়া', 'delivered', 2, 100, now()),
             (${`t-fail-${upazila}`}, 'sms', '01712345678', ${borrowerId}, ${loanId}, 'installment_reminder', '{}', 'কিস্তি মনে করিয়ে দেওয়া', 'failed', 1, 0, null)`;
  }
}, 240_000);
afterAll(async () => {
  await api?.close();
});

const get = async (role: Parameters<ApiHarness['as']>[0], query = '') => {
  const res = await api.request(await api.as(role), 'GET', `/api/messages${query}`);
  expect(res.status, query).toBe(200);
  return (await res.json()) as Body;
};

describe('GET /api/messages', () => {
  it('shows each officer the messages of loans in their part of the country only', async () => {
    const uco = await get('upazila_officer', '?template=installment_reminder');
    expect(new Set(uco.items.map((i) => i.officeId))).toEqual(new Set(['JHENAIDAH-SADAR']));
    const dco = await get('district_officer', '?template=installment_reminder');
    expect(new Set(dco.items.map((i) => i.officeId))).toEqual(new Set(['JHENAIDAH-SADAR', 'JHENAIDAH-KALIGANJ']));
    const rep = await get('society_rep', '?template=installment_reminder');
    expect(new Set(rep.items.map((i) => i.officeId))).toEqual(new Set(['JHENAIDAH-SADAR']));
    expect((await api.request(await api.as('upazila_officer'), 'GET', '/api/messages?officeId=MAGURA')).status).toBe(404);
  });

  it('totals the filter: count, parts and cost by status, whatever the page size', async () => {
    const all = await get('hq_admin', '?template=installment_reminder&limit=500');
    expect(all.summary.messages).toBe(all.items.length);
    expect(all.summary.segments).toBe(all.items.reduce((t, i) => t + (i.segments ?? 0), 0));
    expect(all.summary.costPoisha).toBe(4 * 100);
    expect(all.summary.byStatus).toEqual({ delivered: 4, failed: 4 });
    const failed = await get('hq_admin', '?template=installment_reminder&status=failed');
    expect(failed.items.every((i) => i.status === 'failed')).toBe(true);
    expect(failed.summary.messages).toBe(4);
  });

  it('pages with a cursor without losing or repeating a message, and refuses a forged cursor', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Body = await get('hq_admin', `?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor;
    } while (cursor);
    const all = await get('hq_admin', '?limit=500');
    expect(seen).toEqual(all.items.map((i) => i.id));
    expect(new Set(seen).size).toBe(seen.length);
    const bad = await api.request(await api.as('hq_admin'), 'GET', '/api/messages?cursor=nonsense');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { field: string } }).error.field).toBe('cursor');
    expect((await api.request(null, 'GET', '/api/messages')).status).toBe(401);
  });
});
