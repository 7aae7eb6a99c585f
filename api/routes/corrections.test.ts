// Correction requests end to end: the API, the request's workflow on the real Temporal server, the
// chain from tests/fixtures/rules-fast/corrections.json (UCO then DCO; Kaliganj escalates after 3 s).
import { randomUUID } from 'node:crypto';
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
    const detail = await body<{ events: { decision: string; actorRole: string | null; actorOfficeId: string | null }[]; offices: { id: string }[] }>(
      api.request(await api.as('collector'), 'GET', `/api/corrections/${id}`),
    );
    expect(detail.events.map((e) => e.decision)).toEqual(['requested', 'approve', 'approve', 'applied']);
    expect(detail.events.map((e) => [e.actorRole, e.actorOfficeId])).toEqual([
      ['collector', 'JHENAIDAH-SADAR'], ['upazila_officer', 'JHENAIDAH-SADAR'], ['district_officer', 'JHENAIDAH'], [null, null],
    ]);
    expect(detail.offices.map((o) => o.id)).toEqual(['JHENAIDAH', 'JHENAIDAH-SADAR']);
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

describe('attachments to a correction request', () => {
  const send = (cookie: string, id: string, form: FormData) => api.app.request(`/api/corrections/${id}/attachments`, { method: 'POST', headers: cookie ? { cookie } : {}, body: form });
  const formWith = (bytes: Uint8Array, name: string, type = '') => {
    const form = new FormData();
    form.append('file', new File([bytes], name, { type }));
    return form;
  };
  const attach = async (role: Parameters<ApiHarness['as']>[0], id: string, bytes: Uint8Array, name: string, type = '') => send(await api.as(role), id, formWith(bytes, name, type));
  const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
  const PDF = new TextEncoder().encode('%PDF-1.4\n%âãÏÓ\n1 0 obj <<>> endobj\n%%EOF\n');
  const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0]);
  /** Every stored attachment, bytes included by their hash: what a refused upload must leave as it was. */
  const stored = async () => JSON.stringify(await api.sql`SELECT id, request_id, filename, content_type, size_bytes, sha256, md5(bytes) AS bytes FROM correction_attachments ORDER BY id`);

  it('takes evidence from the requester while the request is open, checked by content, readable along the chain, and nothing from outsiders', async () => {
    const id = await request('collector', 'JHENAIDAH-SADAR', { fatherOrHusbandName: 'জব্বার আলী' });
    const added = await attach('collector', id, PNG, 'জাতীয়-পরিচয়পত্র.png');
    expect(added.status, await added.clone().text()).toBe(201);
    const exe = await attach('collector', id, new Uint8Array([0x4d, 0x5a, 0x90, 0]), 'scan.pdf');
    expect(exe.status).toBe(400);
    expect((await body<{ error: { field: string } }>(exe)).error.field).toBe('file');

    const list = await body<{ items: { id: string; contentType: string; filename: string }[] }>(api.request(await api.as('district_officer'), 'GET', `/api/corrections/${id}/attachments`));
    expect(list.items.map((a) => [a.contentType, a.filename])).toEqual([['image/png', 'জাতীয়-পরিচয়পত্র.png']]);
    const file = await api.request(await api.as('upazila_officer'), 'GET', `/api/corrections/${id}/attachments/${list.items[0]!.id}`);
    expect(file.headers.get('content-type')).toBe('image/png');
    expect(file.headers.get('x-content-type-options')).toBe('nosniff');
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(PNG);

    const outsider = await api.addUser('upazila_officer', 'JHENAIDAH-KALIGANJ');
    const cookie = await api.login(outsider.username);
    expect((await api.request(cookie, 'GET', `/api/corrections/${id}/attachments`)).status).toBe(404);
    const form = new FormData();
    form.append('file', new File([PNG], 'x.png'));
    expect((await api.app.request(`/api/corrections/${id}/attachments`, { method: 'POST', headers: { cookie }, body: form })).status).toBe(404);
    expect((await api.sql`SELECT count(*)::int AS n FROM correction_attachments WHERE request_id = ${id}`)[0]!.n).toBe(1);

    // Once decided, the evidence is closed.
    await waitForRow(id, (r) => r.awaitingRole === 'upazila_officer');
    expect((await decide('upazila_officer', id, 'reject', 'the ledger says otherwise')).status).toBe(200);
    await waitForRow(id, (r) => r.status === 'rejected');
    const before = await stored();
    expect((await attach('collector', id, PNG, 'late.png')).status).toBe(409);
    expect((await attach('upazila_officer', id, PNG, 'late-too.png')).status).toBe(409);
    expect(await stored()).toBe(before);
  });

  it("stores the type the bytes show whatever the browser declared, under a plain name, and lists it in the request's own view", async () => {
    const id = await request('collector', 'JHENAIDAH-SADAR', { barrackNo: 'B-7' });
    const pdf = await attach('collector', id, PDF, 'C:\\fakepath\\খতিয়ান (পৃষ্ঠা ৩).pdf', 'image/png');
    expect(pdf.status, await pdf.clone().text()).toBe(201);
    expect((await body<{ attachment: unknown }>(pdf)).attachment).toMatchObject({ filename: 'খতিয়ান (পৃষ্ঠা ৩).pdf', contentType: 'application/pdf', sizeBytes: PDF.length });
    expect((await attach('upazila_officer', id, JPEG, 'photo.jpg', 'application/pdf')).status).toBe(201);

    const detail = await body<{ attachments: Record<string, unknown>[] }>(api.request(await api.as('district_officer'), 'GET', `/api/corrections/${id}`));
    expect(detail.attachments.map(({ filename, contentType, sizeBytes }) => ({ filename, contentType, sizeBytes }))).toEqual([
      { filename: 'খতিয়ান (পৃষ্ঠা ৩).pdf', contentType: 'application/pdf', sizeBytes: PDF.length },
      { filename: 'photo.jpg', contentType: 'image/jpeg', sizeBytes: JPEG.length },
    ]);
    expect(Object.keys(detail.attachments[0]!).sort()).toEqual(['contentType', 'filename', 'id', 'sizeBytes', 'uploadedAt']);

    const file = await api.request(await api.as('collector'), 'GET', `/api/corrections/${id}/attachments/${detail.attachments[0]!.id}`);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('application/pdf');
    expect(file.headers.get('x-content-type-options')).toBe('nosniff');
    const disposition = file.headers.get('content-disposition')!;
    expect(disposition).toMatch(/^attachment; filename="[\w.-]+"; filename\*=UTF-8''[A-Za-z0-9%._~!-]+$/);
    expect(decodeURIComponent(disposition.split("UTF-8''")[1]!)).toBe('খতিয়ান (পৃষ্ঠা ৩).pdf');
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(PDF);

    // An attachment is fetched only through its own request.
    const other = await request('collector', 'JHENAIDAH-SADAR', { roomNo: 'R-9' });
    expect((await api.request(await api.as('collector'), 'GET', `/api/corrections/${other}/attachments/${detail.attachments[0]!.id}`)).status).toBe(404);
    expect((await api.request(await api.as('collector'), 'GET', `/api/corrections/${id}/attachments/${randomUUID()}`)).status).toBe(404);
  });

  it('refuses every bad upload with the field named, and a refused upload stores nothing', async () => {
    const id = await request('collector', 'JHENAIDAH-SADAR', { barrackNo: 'B-8' });
    const collector = await api.as('collector');
    const before = await stored();
    const onlyText = new FormData();
    onlyText.append('note', 'no file here');
    const textAsFile = new FormData();
    textAsFile.append('file', 'just some words');
    const tooLarge = new Uint8Array(5 * 1024 * 1024 + 1);
    tooLarge.set(PNG);
    const farTooLarge = new Uint8Array(6 * 1024 * 1024);
    farTooLarge.set(PDF);
    const refusals: [string, () => Promise<Response>, number, string | undefined][] = [
      ['no session', async () => send('', id, formWith(PNG, 'a.png')), 401, undefined],
      ['no file field', async () => send(collector, id, onlyText), 400, 'file'],
      ['text in the file field', async () => send(collector, id, textAsFile), 400, 'file'],
      ['an empty file', async () => send(collector, id, formWith(new Uint8Array(0), 'empty.pdf', 'application/pdf')), 400, 'file'],
      ['a program named .pdf', async () => send(collector, id, formWith(new Uint8Array([0x4d, 0x5a, 0x90, 0, 3]), 'scan.pdf', 'application/pdf')), 400, 'file'],
      ['a web page declared as PNG', async () => send(collector, id, formWith(new TextEncoder().encode('<html><script>alert(1)</script>'), 'x.png', 'image/png')), 400, 'file'],
      ['one byte over 5 MB', async () => send(collector, id, formWith(tooLarge, 'big.png', 'image/png')), 413, 'file'],
      ['6 MB', async () => send(collector, id, formWith(farTooLarge, 'bigger.pdf', 'application/pdf')), 413, 'file'],
      ['a sibling upazila', async () => send(await api.login((await api.addUser('upazila_officer', 'JHENAIDAH-KALIGANJ')).username), id, formWith(PNG, 'a.png')), 404, undefined],
      ['a society representative of another upazila', async () => send(await api.login((await api.addUser('society_rep', 'MAGURA-SADAR')).username), id, formWith(PNG, 'a.png')), 404, undefined],
      ['no such request', async () => send(collector, randomUUID(), formWith(PNG, 'a.png')), 404, undefined],
    ];
    for (const [what, call, status, field] of refusals) {
      const r = await call();
      const error = ((await r.json()) as { error: { field?: string; message: string } }).error;
      expect([what, r.status, error.field]).toEqual([what, status, field]);
      expect(error.message.length, what).toBeGreaterThan(0);
    }
    expect(await stored()).toBe(before);
  });
});

describe('a society representative and correction requests', () => {
  it('reads requests about their own society only, not about another society of the same upazila', async () => {
    await api.sql`INSERT INTO societies (id, office_id, name_bn, name_en, project_name) VALUES ('SOC-1B', 'JHENAIDAH-SADAR', 'অন্য সমিতি', 'Other', 'আশ্রয়ণ-২') ON CONFLICT DO NOTHING`;
    const otherBorrower = randomUUID();
    await api.sql`INSERT INTO borrowers (id, society_id, name, father_or_husband_name) VALUES (${otherBorrower}, 'SOC-1B', 'অন্য সমিতির সদস্য', 'পিতা')`;
    const uco = await api.as('upazila_officer');
    const mk = async (recordId: string) => {
      const res = await api.request(uco, 'POST', '/api/corrections', { recordKind: 'borrower', recordId, changes: { barrackNo: 'B-9' }, reason: 'barrack number in the register' });
      expect(res.status, await res.clone().text()).toBe(201);
      return ((await res.json()) as { correction: { id: string } }).correction.id;
    };
    const own = await mk(api.borrowers['JHENAIDAH-SADAR']!);
    const other = await mk(otherBorrower);
    const rep = await api.as('society_rep');
    expect((await api.request(rep, 'GET', `/api/corrections/${own}`)).status).toBe(200);
    expect((await api.request(rep, 'GET', `/api/corrections/${other}`)).status).toBe(404);
    expect((await api.request(rep, 'GET', `/api/corrections/${other}/attachments`)).status).toBe(404);
  });
});
