import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatStatementCsv, type StatementRow } from '../../bkash/statement';
import { dhakaInstant } from '../../domain/dhaka-time';
import { deliverPayment, storePayment } from '../../payments/receive-payment';
import { createApiHarness, type ApiHarness } from '../../tests/api-harness';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness();
}, 240_000);
afterAll(async () => {
  await api?.close();
});

const DAY = '2026-11-20';
const at = (hhmm: string) => dhakaInstant(DAY, hhmm);

async function recorded(trxId: string, amountPoisha: number, time: string, reference: string) {
  const s = await storePayment(api.sql, { trxId, amountPoisha, paidAt: at(time), provider: 'bkash', officeId: 'JHENAIDAH-SADAR', recordedBy: 'bkash-webhook', reference });
  await deliverPayment(api.sql, api.h.temporal, s.paymentId);
}

function upload(cookie: string, kind: 'bkash' | 'bank', officeId: string, name: string, text: string) {
  const form = new FormData();
  form.set('kind', kind);
  form.set('officeId', officeId);
  form.set('file', new File([text], name, { type: 'text/csv' }));
  return api.app.request('/api/reconciliation/statements', { method: 'POST', headers: { cookie }, body: form });
}

describe('reconciliation of an upazila account', () => {
  it('lists, per Dhaka day, what the statements hold that we did not record, what we recorded that they lack, and mismatches', async () => {
    const [loan] = await api.sql<[{ code: string }]>`SELECT code FROM loans WHERE id = ${api.loans['JHENAIDAH-SADAR']!}`;
    await recorded('TRXA000001', 50_000, '10:00', loan.code);
    await recorded('TRXB000002', 30_000, '11:00', loan.code);
    await recorded('TRXD000004', 20_000, '12:00', loan.code);
    const row = (trxId: string, amountPoisha: number, time: string): StatementRow => ({
      trxId, at: at(time), type: 'Merchant Payment', sender: '01712345678', receiver: '01711000001', amountPoisha, reference: loan.code, invoiceNumber: '', status: 'Completed',
    });
    const statement = formatStatementCsv([row('TRXA000001', 50_000, '10:00'), row('TRXB000002', 35_000, '11:00'), row('TRXC000003', 70_000, '13:00')]);

    const uco = await api.as('upazila_officer');
    const first = await upload(uco, 'bkash', 'JHENAIDAH-SADAR', 'bkash-2026-11-20.csv', statement);
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ alreadyUploaded: false, lines: 3, skipped: [] });
    const again = await upload(uco, 'bkash', 'JHENAIDAH-SADAR', 'same-file-again.csv', statement);
    expect(await again.json()).toMatchObject({ alreadyUploaded: true });
    const bank = await upload(uco, 'bank', 'JHENAIDAH-SADAR', 'sonali.csv', 'Date,Description,Reference,Debit,Credit,Balance\n20/11/2026,bKash settlement,ST-991,,"1,500.00","9,000.00"\n20/11/2026,Charges,,25.00,,8975.00\n');
    expect(await bank.json()).toMatchObject({ lines: 1, skipped: [{ line: 3, reason: 'not a credit' }] });
    expect((await upload(await api.as('district_officer'), 'bkash', 'JHENAIDAH-SADAR', 'x.csv', statement)).status).toBe(403);

    const view = async (cookie: string, officeId: string) =>
      (await (await api.request(cookie, 'GET', `/api/reconciliation?officeId=${officeId}&from=${DAY}&to=${DAY}`)).json()) as {
        days: { officeId: string; day: string; recordedPoisha: number; bkashStatementPoisha: number; bankCreditsPoisha: number; unrecordedPoisha: number }[];
        missingFromRecords: { trxId: string }[];
        missingFromStatement: { trxId: string }[];
        amountMismatches: { trxId: string; recordedPoisha: number; statementPoisha: number }[];
      };
    const r = await view(uco, 'JHENAIDAH-SADAR');
    expect(r.days).toEqual([{ officeId: 'JHENAIDAH-SADAR', day: DAY, recordedPoisha: 100_000, bkashStatementPoisha: 155_000, bankCreditsPoisha: 150_000, unrecordedPoisha: 55_000 }]);
    expect(r.missingFromRecords.map((m) => m.trxId)).toEqual(['TRXC000003']);
    expect(r.missingFromStatement.map((m) => m.trxId)).toEqual(['TRXD000004']);
    expect(r.amountMismatches).toEqual([{ officeId: 'JHENAIDAH-SADAR', trxId: 'TRXB000002', recordedPoisha: 30_000, statementPoisha: 35_000 }]);

    // The district officer sees the same, summed over the district's accounts; a sibling upazila sees nothing.
    expect((await view(await api.as('district_officer'), 'JHENAIDAH')).days).toEqual(r.days);
    const sibling = await api.addUser('upazila_officer', 'JHENAIDAH-KALIGANJ');
    expect((await api.request(await api.login(sibling.username), 'GET', `/api/reconciliation?officeId=JHENAIDAH-SADAR&from=${DAY}&to=${DAY}`)).status).toBe(404);

    // Money the webhook never told us about is recorded from the statement and reaches the loan.
    const paidBefore = (await api.h.view(api.loans['JHENAIDAH-SADAR']!)).paidPoisha;
    const rec = await api.request(uco, 'POST', '/api/reconciliation/record-missing', { officeId: 'JHENAIDAH-SADAR', trxId: 'TRXC000003' });
    expect(await rec.json()).toMatchObject({ matched: true, delivered: true });
    expect((await api.h.view(api.loans['JHENAIDAH-SADAR']!)).paidPoisha).toBe(paidBefore + 70_000);
    expect((await api.request(uco, 'POST', '/api/reconciliation/record-missing', { officeId: 'JHENAIDAH-SADAR', trxId: 'TRXC000003' })).status).toBe(409);
    const after = await view(uco, 'JHENAIDAH-SADAR');
    expect(after.missingFromRecords).toEqual([]);
    // Recorded is now 170 000 against 155 000 in the statement: the 5 000 mismatch on TRXB and 20 000 of TRXD.
    expect(after.days[0]!.unrecordedPoisha).toBe(155_000 - 170_000);
  });

  it('refuses a statement it cannot read, naming the problem', async () => {
    const res = await upload(await api.as('upazila_officer'), 'bank', 'JHENAIDAH-SADAR', 'bad.csv', 'Date,Description,Reference,Debit,Credit,Balance\n31/02/2026,x,,,100.00,\n');
    const body = (await res.json()) as { lines: number; skipped: { line: number; reason: string }[] };
    expect(body.lines).toBe(0);
    expect(body.skipped[0]!.reason).toMatch(/not a date/);
  });
});
