import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storePayment } from '../../payments/receive-payment';
import { createApiHarness, type ApiHarness } from '../../tests/api-harness';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness();
}, 240_000);
afterAll(async () => {
  await api?.close();
});

const unmatched = (officeId: string, trxId: string) =>
  storePayment(api.sql, { trxId, amountPoisha: 30_000, paidAt: Date.now(), provider: 'bkash', officeId, recordedBy: 'bkash-webhook', payerMsisdn: '01900000000', reference: 'kisti' });

describe('the unmatched payments queue', () => {
  it('shows each office its own and its subordinates’ unmatched money, and an officer of that upazila assigns it to a loan', async () => {
    const sadar = await unmatched('JHENAIDAH-SADAR', 'UNM-SADAR-1');
    const kaliganj = await unmatched('JHENAIDAH-KALIGANJ', 'UNM-KALI-1');
    expect(sadar.loanId).toBeNull();

    const ids = async (role: Parameters<ApiHarness['as']>[0]) =>
      ((await (await api.request(await api.as(role), 'GET', '/api/payments/unmatched')).json()) as { items: { id: string }[] }).items.map((i) => i.id);
    expect(await ids('upazila_officer')).toEqual([sadar.paymentId]);
    expect((await ids('district_officer')).sort()).toEqual([sadar.paymentId, kaliganj.paymentId].sort());
    expect(await ids('society_rep')).toEqual([]);

    const assign = async (role: Parameters<ApiHarness['as']>[0], paymentId: string, loanId: string) =>
      api.request(await api.as(role), 'POST', `/api/payments/${paymentId}/assign`, { loanId });
    expect((await assign('district_officer', sadar.paymentId, api.loans['JHENAIDAH-SADAR']!)).status).toBe(403);
    expect((await assign('upazila_officer', kaliganj.paymentId, api.loans['JHENAIDAH-KALIGANJ']!)).status).toBe(404);
    const wrongLoan = await assign('upazila_officer', sadar.paymentId, api.loans['JHENAIDAH-KALIGANJ']!);
    expect(wrongLoan.status).toBe(400);

    const ok = await assign('collector', sadar.paymentId, api.loans['JHENAIDAH-SADAR']!);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ delivered: true });
    const [row] = await api.sql`SELECT status, matched_by, assigned_by FROM payments WHERE id = ${sadar.paymentId}`;
    expect(row).toEqual({ status: 'applied', matched_by: 'officer', assigned_by: api.accounts.collector.id });
    expect((await api.h.view(api.loans['JHENAIDAH-SADAR']!)).paidPoisha).toBe(30_000);
    expect((await assign('upazila_officer', sadar.paymentId, api.loans['JHENAIDAH-SADAR']!)).status).toBe(409);
    expect(await ids('upazila_officer')).toEqual([]);
  });
});
