// Correction requests end to end: the API, the request's workflow on the real Temporal server, the
// chain from tests/fixtures/rules-fast/corrections.json (UCO then DCO; Kaliganj escalates after 3 s).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, type ApiHarness } from '../../tests/api-harness';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness();
}, 240_000);
afterAll(async () => {
  await api?.close();
});

interface CorrectionRow {
  id: string;
  status: string;
  step: number;
  awaitingRole: string | null;
  awaitingOfficeId: string | null;
  ruleName: string | null;
  outcome: string | null;
}

async function body<T>(res: Response | Promise<Response>): Promise<T> {
  return (await (await res).json()) as T;
}

async function request(role: Parameters<ApiHarness['as']>[0], borrowerUpazila: string, changes: Record<string, unknown>, reason = 'spelling in the register') {
  const res = await api.request(await api.as(role), 'POST', '/api/corrections', { recordKind: 'borrower', recordId: api.borrowers[borrowerUpazila], changes, reason });
  expect(res.status, await res.clone().text()).toBe(201);
  return ((await res.json()) as { correction: { id: string } }).correction.id;
}

async function waitForRow(id: string, check: (r: CorrectionRow) => boolean, timeoutMs = 20_000): Promise<CorrectionRow> {
  const deadline = Date.now() + timeoutMs;
  let row: CorrectionRow | null = null;
  while (Date.now() < deadline) {
    row = (await body<{ correction: CorrectionRow }>(api.request(await api.as('hq_admin'), 'GET', `/api/corrections/${id}`))).correction;
    if (check(row)) return row;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`correction ${id} never reached the expected state; last ${JSON.stringify(row)}`);
}

const decide = async (role: Parameters<ApiHarness['as']>[0], id: string, decision: string, comment = '') =>
  api.request(await api.as(role), 'POST', `/api/corrections/${id}/decision`, { decision, comment });

const nameOf = async (upazila: string) => (await api.sql<[{ name: string }]>`SELECT name FROM borrowers WHERE id = ${api.borrowers[upazila]!}`)[0].name;

describe.sequential('correction requests', () => {
  it('goes UCO → DCO through their inboxes and applies the change with before, after and approvers', async () => {
    const id = await request('collector', 'JHENAIDAH-SADAR', { name: 'রহিমা খাতুন (সংশোধিত)' });
    await waitForRow(id, (r) => r.awaitingRole === 'upazila_officer');
    const inbox = await body<{ items: { id: string }[] }>(api.request(await api.as('upazila_officer'), 'GET', '/api/corrections/inbox'));
    expect(inbox.items.map((i) => i.id)).toContain(id);
    const dcoInbox = await body<{ items: { id: string }[] }>(api.request(await api.as('district_officer'), 'GET', '/api/corrections/inbox'));
    expect(dcoInbox.items.map((i) => i.id)).not.toContain(id);

    expect((await decide('district_officer', id, 'approve')).status).toBe(422); // not their step yet
    expect((await decide('upazila_officer', id, 'approve')).status).toBe(200);
    const atDco = await waitForRow(id, (r) => r.awaitingRole === 'district_officer');
    expect(atDco).toMatchObject({ status: 'pending', step: 1, awaitingOfficeId: 'JHENAIDAH', ruleName: 'test-uco-then-dco' });
    expect(await nameOf('JHENAIDAH-SADAR')).toBe('Borrower JHENAIDAH-SADAR'); // nothing applied before the final approval

    expect((await decide('district_officer', id, 'approve')).status).toBe(200);
    await waitForRow(id, (r) => r.status === 'applied');
    expect(await nameOf('JHENAIDAH-SADAR')).toBe('রহিমা খাতুন (সংশোধিত)');
    const [change] = await api.sql`SELECT changes, approvers FROM record_changes WHERE request_id = ${id}`;
    expect(change!.changes).toEqual([{ field: 'name', old: 'Borrower JHENAIDAH-SADAR', new: 'রহিমা খাতুন (সংশোধিত)' }]);
    expect((change!.approvers as { by: string }[]).map((a) => a.by)).toEqual([api.accounts.upazila_officer.id, api.accounts.district_officer.id]);
    const detail = await body<{ events: { decision: string }[] }>(api.request(await api.as('collector'), 'GET', `/api/corrections/${id}`));
    expect(detail.events.map((e) => e.decision)).toEqual(['requested', 'approve', 'approve', 'applied']);
    const mine = await body<{ items: { id: string; status: string }[] }>(api.request(await api.as('collector'), 'GET', '/api/corrections/mine'));
    expect(mine.items.find((i) => i.id === id)?.status).toBe('applied');
  });

  it("sends an officer's own request to the office above: a UCO's request needs only the DCO", async () => {
    const id = await request('upazila_officer', 'JHENAIDAH-SADAR', { roomNo: '14' });
    const row = await waitForRow(id, (r) => r.awaitingRole !== null);
    expect(row).toMatchObject({ awaitingRole: 'district_officer', awaitingOfficeId: 'JHENAIDAH' });
    expect((await decide('district_officer', id, 'approve')).status).toBe(200);
    await waitForRow(id, (r) => r.status === 'applied');
  });

  it('is rejected only with a comment, and then nothing changes', async () => {
    const before = await nameOf('JHENAIDAH-SADAR');
    const id = await request('collector', 'JHENAIDAH-SADAR', { name: 'ভুল নাম' });
    await waitForRow(id, (r) => r.awaitingRole === 'upazila_officer');
    const bare = await decide('upazila_officer', id, 'reject');
    expect(bare.status).toBe(422);
    expect(((await bare.json()) as { error: { message: string } }).error.message).toMatch(/say why/);
    expect((await decide('upazila_officer', id, 'reject', 'the register already has the right name')).status).toBe(200);
    await waitForRow(id, (r) => r.status === 'rejected');
    expect(await nameOf('JHENAIDAH-SADAR')).toBe(before);
  });

  it('returned for changes, revised by the requester, starts the chain again and applies the revision', async () => {
    const id = await request('collector', 'JHENAIDAH-SADAR', { mobile: '01812345678' });
    await waitForRow(id, (r) => r.awaitingRole === 'upazila_officer');
    expect((await decide('upazila_officer', id, 'approve')).status).toBe(200);
    await waitForRow(id, (r) => r.awaitingRole === 'district_officer');
    expect((await decide('district_officer', id, 'return', 'the number in the form is 01812345679')).status).toBe(200);
    await waitForRow(id, (r) => r.status === 'returned');
    const notMine = await api.request(await api.as('upazila_officer'), 'POST', `/api/corrections/${id}/revise`, { changes: { mobile: '01812345679' } });
    expect(notMine.status).toBe(422);
    const revised = await api.request(await api.as('collector'), 'POST', `/api/corrections/${id}/revise`, { changes: { mobile: '01812345679' }, comment: 'fixed' });
    expect(revised.status).toBe(200);
    await waitForRow(id, (r) => r.status === 'pending' && r.awaitingRole === 'upazila_officer');
    expect((await decide('upazila_officer', id, 'approve')).status).toBe(200);
    await waitForRow(id, (r) => r.awaitingRole === 'district_officer');
    expect((await decide('district_officer', id, 'approve')).status).toBe(200);
    await waitForRow(id, (r) => r.status === 'applied');
    const [b] = await api.sql`SELECT mobile FROM borrowers WHERE id = ${api.borrowers['JHENAIDAH-SADAR']!}`;
    expect(b!.mobile).toBe('01812345679');
  });

  it('escalates a step left undecided past its deadline, after reminding the officer', async () => {
    const ucoKaliganj = await api.addUser('upazila_officer', 'JHENAIDAH-KALIGANJ');
    const id = await request('district_officer', 'JHENAIDAH-KALIGANJ', { barrackNo: 'B-7' });
    await waitForRow(id, (r) => r.awaitingRole === 'upazila_officer' && r.awaitingOfficeId === 'JHENAIDAH-KALIGANJ');
    // The district officer asked, so after escalation the step goes past them to the division.
    const escalated = await waitForRow(id, (r) => r.awaitingRole !== 'upazila_officer', 15_000);
    expect(escalated).toMatchObject({ status: 'pending', step: 0, awaitingRole: 'divisional_officer', awaitingOfficeId: 'KHULNA', ruleName: 'test-fast-escalation-kaliganj' });
    // The escalated step and the division's own step are one decision, not two.
    expect((await decide('divisional_officer', id, 'approve')).status).toBe(200);
    await waitForRow(id, (r) => r.status === 'applied');
    const reminders = await api.sql`SELECT recipient, template FROM outbox WHERE template = 'correction_reminder' AND params->>'requestId' = ${id}`;
    expect(reminders.map((r) => r.recipient)).toContain(ucoKaliganj.id);
    const [event] = await api.sql`SELECT actor, detail FROM correction_events WHERE request_id = ${id} AND decision = 'escalated'`;
    expect(event!.actor).toBe('rule:test-fast-escalation-kaliganj');
  });

  it('refuses to apply when the record changed meanwhile, and writes nothing', async () => {
    const id = await request('collector', 'JHENAIDAH-SADAR', { fatherOrHusbandName: 'করিম মিয়া' });
    await waitForRow(id, (r) => r.awaitingRole === 'upazila_officer');
    await api.sql`UPDATE borrowers SET father_or_husband_name = 'changed elsewhere' WHERE id = ${api.borrowers['JHENAIDAH-SADAR']!}`;
    expect((await decide('upazila_officer', id, 'approve')).status).toBe(200);
    await waitForRow(id, (r) => r.awaitingRole === 'district_officer');
    expect((await decide('district_officer', id, 'approve')).status).toBe(200);
    const row = await waitForRow(id, (r) => r.status === 'conflict');
    expect(row.outcome).toMatch(/fatherOrHusbandName is now "changed elsewhere"/);
    const [b] = await api.sql`SELECT father_or_husband_name FROM borrowers WHERE id = ${api.borrowers['JHENAIDAH-SADAR']!}`;
    expect(b!.father_or_husband_name).toBe('changed elsewhere');
    const [{ n }] = await api.sql<[{ n: number }]>`SELECT count(*)::int AS n FROM record_changes WHERE request_id = ${id}`;
    expect(n).toBe(0);
  });

  it('corrects a loan amount through the money chain up to the division; paid installments are never rewritten', async () => {
    const loanId = api.loans['JHENAIDAH-SADAR']!;
    await api.h.pay(loanId, { amountPoisha: 150_000 }); // installment 1 paid, installment 2 partly
    const res = await api.request(await api.as('collector'), 'POST', '/api/corrections', { recordKind: 'loan', recordId: loanId, changes: { principalPoisha: 2_400_000 }, reason: 'the sanction letter says Tk 24,000' });
    expect(res.status).toBe(201);
    const id = ((await res.json()) as { correction: { id: string } }).correction.id;
    for (const role of ['upazila_officer', 'district_officer', 'divisional_officer'] as const) {
      await waitForRow(id, (r) => r.awaitingRole === role);
      expect((await decide(role, id, 'approve')).status).toBe(200);
    }
    const done = await waitForRow(id, (r) => r.status === 'applied' || r.status === 'conflict');
    expect(done).toMatchObject({ status: 'applied', ruleName: 'test-money-to-division' });
    const v = await api.h.waitFor(loanId, (x) => x.totalOwedPoisha === 2_520_000);
    expect(v.installments[0]).toMatchObject({ seq: 1, amountPoisha: 105_000, paidPoisha: 105_000, status: 'paid' });
    expect(v.installments[1]).toMatchObject({ amountPoisha: 219_545, paidPoisha: 45_000 });
    expect(v.installments.reduce((t, i) => t + i.amountPoisha, 0)).toBe(2_520_000);
    expect(v.installments.at(-1)!.amountPoisha).toBe(2_415_000 - 10 * 219_545);
    const [loan] = await api.sql`SELECT principal_poisha, total_owed_poisha, paid_poisha FROM loans WHERE id = ${loanId}`;
    expect(loan).toEqual({ principal_poisha: 2_400_000, total_owed_poisha: 2_520_000, paid_poisha: 150_000 });
    const [{ total }] = await api.sql<[{ total: number }]>`SELECT sum(amount_poisha)::bigint AS total FROM installments WHERE loan_id = ${loanId}`;
    expect(total).toBe(2_520_000);
    const [event] = await api.sql`SELECT actor, detail FROM loan_events WHERE loan_id = ${loanId} AND kind = 'amended'`;
    expect(event!.actor).toBe(`correction:${id}`);

    // A principal below what is already paid is refused by the loan itself, and nothing changes.
    const low = await api.request(await api.as('collector'), 'POST', '/api/corrections', { recordKind: 'loan', recordId: loanId, changes: { principalPoisha: 100_000 }, reason: 'typo in the ledger' });
    const lowId = ((await low.json()) as { correction: { id: string } }).correction.id;
    for (const role of ['upazila_officer', 'district_officer', 'divisional_officer'] as const) {
      await waitForRow(lowId, (r) => r.awaitingRole === role);
      await decide(role, lowId, 'approve');
    }
    const refused = await waitForRow(lowId, (r) => r.status === 'conflict');
    expect(refused.outcome).toMatch(/the loan refused the correction/);
    expect((await api.h.view(loanId)).totalOwedPoisha).toBe(2_520_000);

    // Spreading the loan over 15 installments adds three on the schedule; paid money stays put.
    const longer = await api.request(await api.as('collector'), 'POST', '/api/corrections', { recordKind: 'loan', recordId: loanId, changes: { installmentCount: 15 }, reason: 'flood relief: three more months' });
    expect(longer.status).toBe(201);
    const longerId = ((await longer.json()) as { correction: { id: string } }).correction.id;
    for (const role of ['upazila_officer', 'district_officer', 'divisional_officer'] as const) {
      await waitForRow(longerId, (r) => r.awaitingRole === role);
      await decide(role, longerId, 'approve');
    }
    expect((await waitForRow(longerId, (r) => r.status === 'applied' || r.status === 'conflict')).status).toBe('applied');
    const v15 = await api.h.waitFor(loanId, (x) => x.installments.length === 15);
    expect(v15.totalOwedPoisha).toBe(2_520_000);
    expect(v15.installments.reduce((t, i) => t + i.amountPoisha, 0)).toBe(2_520_000);
    expect(v15.installments[0]).toMatchObject({ amountPoisha: 105_000, status: 'paid' });
    const rows = await api.sql<{ seq: number; due_date: string }[]>`SELECT seq, due_date::text FROM installments WHERE loan_id = ${loanId} ORDER BY seq`;
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    expect(rows.every((r, i) => i === 0 || r.due_date > rows[i - 1]!.due_date)).toBe(true);
  });

  it.each([
    [{ mobile: '12345' }, 'changes.mobile'],
    [{ nid: '123' }, 'changes.nid'],
    [{ salary: '5' }, 'changes.salary'],
    [{ name: 'Borrower JHENAIDAH-KALIGANJ' }, 'changes.name'],
    [{}, 'changes'],
  ])('refuses a bad request %j naming %s and starts nothing', async (changes, field) => {
    const [{ n: before }] = await api.sql<[{ n: number }]>`SELECT count(*)::int AS n FROM correction_requests`;
    const res = await api.request(await api.as('district_officer'), 'POST', '/api/corrections', { recordKind: 'borrower', recordId: api.borrowers['JHENAIDAH-KALIGANJ'], changes, reason: 'because' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { field: string } }).error.field).toBe(field);
    const [{ n: after }] = await api.sql<[{ n: number }]>`SELECT count(*)::int AS n FROM correction_requests`;
    expect(after).toBe(before);
  });

  it('lets only those who can read a record ask to correct it', async () => {
    const res = await api.request(await api.as('upazila_officer'), 'POST', '/api/corrections', { recordKind: 'borrower', recordId: api.borrowers['MAGURA-SADAR'], changes: { roomNo: '3' }, reason: 'not my upazila' });
    expect(res.status).toBe(404);
  });
});
