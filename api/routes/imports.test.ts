import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app';
import type { AppDeps } from '../app-env';
import { addDays, toDhakaDate } from '../../domain/dhaka-time';
import { failInterruptedImports } from '../../import/import-jobs';
import { parseImportFile } from '../../import/parse-file';
import { runningImports, submitImport } from '../../import/run-import';
import { TEMPLATE_COLUMNS } from '../../import/template';
import { ACCOUNT_OFFICE, createApiHarness, PARENT, UPAZILAS, type ApiHarness } from '../../tests/api-harness';
import { ROLES } from '../access/actor';
import type { ImportDeps } from './imports';

let api: ApiHarness;
let deps: AppDeps & ImportDeps;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  api = await createApiHarness();
  // The harness's app reads the rules folder of RULES_DIR; this one uses the test rules (FAST, MONTHLY).
  deps = { sql: api.sql, temporal: api.h.temporal, taskQueue: api.h.taskQueue, policy: api.h.policy };
  app = createApp(deps);
}, 240_000);
afterAll(async () => {
  await runningImports();
  await api?.close();
});

type Row = Partial<Record<(typeof TEMPLATE_COLUMNS)[number]['key'], string>>;
interface Job {
  id: string; status: string; rowsTotal: number; rowsValidated: number; rowsApplied: number; workflowsStarted: number; percent: number;
  message: string | null; errors: { row: number; column: string; value: string; reason: string }[];
}

const header = (key: string) => TEMPLATE_COLUMNS.find((c) => c.key === key)!.headerEn;
/** Two days ago in Dhaka, day first as offices write it. */
const disbursedOn = () => addDays(toDhakaDate(Date.now()), -2).split('-').reverse().join('/');
const field = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

function csv(rows: Row[]): Buffer {
  const lines = [TEMPLATE_COLUMNS.map((c) => field(c.headerEn)).join(',')];
  for (const r of rows) lines.push(TEMPLATE_COLUMNS.map((c) => field(r[c.key] ?? '')).join(','));
  return Buffer.from(`${lines.join('\r\n')}\r\n`, 'utf8');
}

let counter = 0;
function good(extra: Row = {}): Row {
  counter += 1;
  return { societyId: 'SOC-1', borrowerName: `ঋণগ্রহীতা ${counter}`, fatherOrHusbandName: 'করিম মিয়া', productCode: 'MONTHLY', principalTaka: '12,000', disbursedOn: disbursedOn(), ...extra };
}

async function upload(cookie: string | null, file: Buffer, filename = 'ledger.csv'): Promise<Response> {
  const form = new FormData();
  form.append('file', new File([new Uint8Array(file)], filename));
  return app.request('/api/imports', { method: 'POST', headers: cookie ? { cookie } : {}, body: form });
}

async function getJob(cookie: string, id: string): Promise<Job> {
  const res = await app.request(`/api/imports/${id}`, { headers: { cookie } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { import: Job }).import;
}

async function finished(cookie: string, id: string, timeoutMs = 60_000): Promise<Job> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await getJob(cookie, id);
    if (!['validating', 'applying', 'starting'].includes(job.status)) return job;
    if (Date.now() > deadline) throw new Error(`import ${id} still ${job.status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function importFile(rows: Row[]): Promise<Job> {
  const uco = await api.as('upazila_officer');
  const res = await upload(uco, csv(rows));
  expect(res.status).toBe(202);
  const { import: accepted } = (await res.json()) as { import: { id: string; status: string } };
  return finished(uco, accepted.id);
}

async function counts() {
  const [c] = await api.sql<[{ borrowers: number; loans: number; installments: number; events: number; payments: number }]>`SELECT
    (SELECT count(*)::int FROM borrowers) AS borrowers, (SELECT count(*)::int FROM loans) AS loans,
    (SELECT count(*)::int FROM installments) AS installments, (SELECT count(*)::int FROM loan_events) AS events,
    (SELECT count(*)::int FROM payments) AS payments`;
  return c;
}

describe('bulk import', () => {
  it('lists every row the database refuses (society, scope, product, limits, NID, ledger number, paid-to-date) and writes nothing', async () => {
    await api.sql`INSERT INTO borrowers (id, society_id, name, father_or_husband_name, nid) VALUES (${randomUUID()}, 'SOC-1', 'অন্য কেউ', 'অন্য পিতা', '1990123456780')`;
    await api.sql`UPDATE loans SET ledger_ref = 'OLD-7' WHERE id = ${api.loans['JHENAIDAH-SADAR']!}`;
    const before = await counts();
    const rows = [
      good({ loanRef: 'BAD-1' }), // row 2 is fine, and is not written either
      good({ societyId: 'SOC-404' }),
      good({ societyId: 'SOC-JHENAIDAH-KALIGANJ' }),
      good({ productCode: 'NOPE' }),
      good({ principalTaka: '0.50' }),
      good({ nid: '1990123456780' }),
      good({ loanRef: 'OLD-7' }),
      good({ principalTaka: '1,000', paidToDateTaka: '2,000' }),
    ];
    const job = await importFile(rows);
    expect(job).toMatchObject({ status: 'invalid', rowsTotal: 8, rowsApplied: 0, workflowsStarted: 0, percent: 100 });
    const byRow = Object.fromEntries(job.errors.map((e) => [e.row, e]));
    expect(job.errors.map((e) => e.row)).toEqual([3, 4, 5, 6, 7, 8, 9]);
    expect(byRow[3]).toMatchObject({ column: header('societyId'), value: 'SOC-404', reason: expect.stringMatching(/not a society of your office/) });
    expect(byRow[4]).toMatchObject({ column: header('societyId'), value: 'SOC-JHENAIDAH-KALIGANJ', reason: expect.stringMatching(/not a society of your office/) });
    expect(byRow[5]).toMatchObject({ column: header('productCode'), value: 'NOPE' });
    expect(byRow[6]).toMatchObject({ column: header('principalTaka'), value: '0.50', reason: expect.stringMatching(/outside the limits of MONTHLY/) });
    expect(byRow[7]).toMatchObject({ column: header('nid'), reason: expect.stringMatching(/already belongs to another borrower \(অন্য কেউ/) });
    expect(byRow[8]).toMatchObject({ column: header('loanRef'), value: 'OLD-7', reason: expect.stringMatching(/imported already/) });
    expect(byRow[9]).toMatchObject({ column: header('paidToDateTaka'), reason: expect.stringMatching(/more than the whole amount owed \(1,050 Tk/) });
    expect(await counts()).toEqual(before);

    // The same file again is the same job, checked again (the database may have changed since).
    const again = await importFile(rows);
    expect(again).toMatchObject({ id: job.id, status: 'invalid', errors: job.errors });
    expect(await counts()).toEqual(before);
  });

  it('imports a good file: borrowers, loans, schedules, running workflows with the paid-to-date applied; the same file again adds nothing', async () => {
    const uco = await api.as('upazila_officer');
    const existing = randomUUID();
    await api.sql`INSERT INTO borrowers (id, society_id, name, father_or_husband_name, nid) VALUES (${existing}, 'SOC-1', 'জোহরা বেগম', 'আবুল কাশেম', '1990123456781')`;
    const before = await counts();
    const rows = [
      good({ loanRef: 'L-1', paidToDateTaka: '1,050', mobile: '01711111111', nid: '1990123456789' }),
      good({ loanRef: 'খ-২০২৫/০১২', paidToDateTaka: '2100' }),
      good({ borrowerName: 'জোহরা  বেগম', fatherOrHusbandName: 'আবুল কাশেম', nid: '১৯৯০১২৩৪৫৬৭৮১' }), // the same person: no new borrower
    ];
    const file = csv(rows);
    const res = await upload(uco, file);
    expect(res.status).toBe(202);
    const { import: accepted } = (await res.json()) as { import: { id: string; status: string } };
    expect(accepted.status).toBe('validating');
    const job = await finished(uco, accepted.id);
    expect(job).toMatchObject({ status: 'done', rowsTotal: 3, rowsValidated: 3, rowsApplied: 3, workflowsStarted: 3, percent: 100, errors: [] });

    const loans = await api.sql<{ id: string; ledger_ref: string | null; borrower_id: string; status: string; disbursed_at: Date; disbursed_by: string; total_owed_poisha: number }[]>`
      SELECT id, ledger_ref, borrower_id, status, disbursed_at, disbursed_by, total_owed_poisha FROM loans WHERE import_id = ${job.id} ORDER BY ledger_ref NULLS LAST`;
    expect(loans.map((l) => l.ledger_ref)).toEqual(['L-1', 'খ-2025/012', null]);
    expect(loans.every((l) => l.disbursed_by === api.accounts.upazila_officer.id && l.total_owed_poisha === 1_260_000)).toBe(true);
    expect(loans[2]!.borrower_id).toBe(existing);
    const after = await counts();
    expect(after.borrowers - before.borrowers).toBe(2);
    expect(after.installments - before.installments).toBe(36);
    const [disbursed] = await api.sql<{ actor: string; facts: unknown; detail: { import: { id: string; row: number } } }[]>`
      SELECT actor, facts, detail FROM loan_events WHERE loan_id = ${loans[0]!.id} AND event_key = 'disbursed'`;
    expect(disbursed).toMatchObject({ actor: api.accounts.upazila_officer.id, facts: { principalPoisha: 1_200_000, productCode: 'MONTHLY', districtCode: 'JHENAIDAH', upazilaCode: 'JHENAIDAH-SADAR' }, detail: { import: { id: job.id, row: 2 } } });

    // The import wrote each loan's first state, the paid-to-date applied as one payment; the
    // workflows sleep until their first reminder, and the timeline says when that is.
    const paidOf = async (id: string) => (await api.sql<{ seq: number; status: string; paid_poisha: number; late_by_ms: number | null }[]>`
      SELECT seq, status, paid_poisha, late_by_ms FROM installments WHERE loan_id = ${id} AND paid_poisha > 0 ORDER BY seq`);
    expect(await paidOf(loans[0]!.id)).toEqual([{ seq: 1, status: 'paid', paid_poisha: 105_000, late_by_ms: 0 }]);
    expect((await paidOf(loans[1]!.id)).map((i) => i.paid_poisha)).toEqual([105_000, 105_000]);
    expect(await paidOf(loans[2]!.id)).toEqual([]);
    const timeline = (await (await api.request(uco, 'GET', `/api/loans/${loans[2]!.id}/timeline`)).json()) as { live: unknown; firstRunAt: string | null };
    const [firstDue] = await api.sql<{ due_at: Date }[]>`SELECT due_at FROM installments WHERE loan_id = ${loans[2]!.id} AND seq = 1`;
    expect(timeline.live).toBeNull();
    expect(new Date(timeline.firstRunAt!).getTime()).toBeGreaterThan(Date.now() + 86_400_000);
    expect(new Date(timeline.firstRunAt!).getTime()).toBeLessThanOrEqual(firstDue!.due_at.getTime());
    const payments = await api.sql<{ trx_id: string; provider: string; recorded_by: string; paid_at: Date; loan_id: string }[]>`
      SELECT trx_id, provider, recorded_by, paid_at, loan_id FROM payments WHERE recorded_by = ${`import:${job.id}`} ORDER BY amount_poisha`;
    expect(payments.map((p) => p.trx_id)).toEqual(['IMPORT-JHENAIDAH-SADAR-L-1', expect.stringMatching(/^IMPORT-JHENAIDAH-SADAR-R[0-9a-f]+$/)]);
    expect(payments[0]!.provider).toBe('cash');
    expect(payments[0]!.paid_at.getTime()).toBe(loans[0]!.disbursed_at.getTime() + 3_600_000);
    const [{ paid }] = await api.sql<[{ paid: number }]>`SELECT paid_poisha AS paid FROM loans WHERE id = ${loans[0]!.id}`;
    expect(paid).toBe(105_000);

    // The same bytes again: the same job, nothing new.
    const again = await upload(uco, file);
    expect(again.status).toBe(202);
    expect(await again.json()).toEqual({ import: { id: job.id, status: 'done' } });
    await runningImports();
    expect(await counts()).toMatchObject({ loans: after.loans, borrowers: after.borrowers });

    // A different file with an already-imported ledger number: that row is a duplicate, nothing is written.
    const dup = await importFile([good({ loanRef: 'L-9' }), good({ loanRef: 'l-1' })]);
    expect(dup.status).toBe('invalid');
    expect(dup.errors).toEqual([expect.objectContaining({ row: 3, column: header('loanRef'), reason: expect.stringMatching(/imported already/) })]);
    expect((await counts()).loans).toBe(after.loans);
  });

  it('shows progress while running and streams it as Server-Sent Events ending in done', async () => {
    const uco = await api.as('upazila_officer');
    const rows = Array.from({ length: 300 }, (_, i) => good({ loanRef: `P-${i}`, paidToDateTaka: i % 2 ? '500' : '' }));
    const res = await upload(uco, csv(rows));
    const { import: accepted } = (await res.json()) as { import: { id: string } };
    const early = await getJob(uco, accepted.id);
    expect(['validating', 'applying', 'starting']).toContain(early.status);
    expect(early.percent).toBeLessThan(100);

    const stream = await app.request(`/api/imports/${accepted.id}/events`, { headers: { cookie: uco } });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toMatch(/text\/event-stream/);
    const text = await stream.text(); // the server ends the stream after the final event
    const events = text.split('\n\n').filter((block) => block.includes('data: ')).map((block) => ({
      event: /^event: (.*)$/m.exec(block)![1]!,
      data: JSON.parse(/^data: (.*)$/m.exec(block)![1]!) as Job,
    }));
    expect(events.length).toBeGreaterThanOrEqual(2);
    expect(events.at(-1)).toMatchObject({ event: 'done', data: { status: 'done', workflowsStarted: 300, percent: 100 } });
    expect(events.slice(0, -1).every((e) => e.event === 'progress')).toBe(true);
    const percents = events.map((e) => e.data.percent);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    const [{ n }] = await api.sql<[{ n: number }]>`SELECT count(*)::int AS n FROM loans WHERE import_id = ${accepted.id}`;
    expect(n).toBe(300);
  });

  it('serves the template as CSV and XLSX that read back through the importer', async () => {
    const uco = await api.as('upazila_officer');
    for (const [name, type] of [['template.csv', /text\/csv/], ['template.xlsx', /spreadsheetml/]] as const) {
      const res = await app.request(`/api/imports/${name}`, { headers: { cookie: uco } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(type);
      const parsed = await parseImportFile(Buffer.from(await res.arrayBuffer()), name);
      expect(parsed.rows).toHaveLength(1);
      expect(parsed.rows[0]!.values.societyId).toBe('MAHESHPUR-S1');
    }
    expect((await app.request('/api/imports/template.csv')).status).toBe(401);
    const doc = (await (await app.request('/api/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
    for (const [p, method] of [['/api/imports', 'post'], ['/api/imports', 'get'], ['/api/imports/{id}', 'get'], ['/api/imports/{id}/events', 'get'], ['/api/imports/template.xlsx', 'get']] as const) {
      expect(doc.paths[p]?.[method], `${method} ${p}`).toBeDefined();
    }
  });

  it('refuses too large, missing and unreadable files, other roles, and hides jobs outside the reader\'s scope', async () => {
    const uco = await api.as('upazila_officer');
    const big = await upload(uco, Buffer.alloc(21 * 1024 * 1024, 'a'));
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ error: { message: expect.stringMatching(/larger than 20 MB/) } });
    const form = new FormData();
    form.append('other', 'x');
    const missing = await app.request('/api/imports', { method: 'POST', headers: { cookie: uco }, body: form });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ error: { field: 'file' } });
    expect((await upload(await api.as('collector'), csv([good()]))).status).toBe(403);
    expect((await upload(null, csv([good()]))).status).toBe(401);

    const pdf = await upload(uco, Buffer.from('%PDF-1.4'), 'ledger.pdf');
    const { import: accepted } = (await pdf.json()) as { import: { id: string } };
    const job = await finished(uco, accepted.id);
    expect(job).toMatchObject({ status: 'invalid', message: expect.stringMatching(/not a spreadsheet/) });

    const sibling = await api.addUser('upazila_officer', 'JHENAIDAH-KALIGANJ');
    const siblingCookie = await api.login(sibling.username);
    expect((await app.request(`/api/imports/${job.id}`, { headers: { cookie: siblingCookie } })).status).toBe(404);
    expect((await app.request(`/api/imports/${job.id}/events`, { headers: { cookie: siblingCookie } })).status).toBe(404);
    expect((await app.request(`/api/imports/${job.id}`, { headers: { cookie: await api.as('district_officer') } })).status).toBe(200);
  });

  it('marks a job interrupted by a restart as failed, and the same file again finishes a saved import', async () => {
    const uco = await api.as('upazila_officer');
    const stale = randomUUID();
    await api.sql`INSERT INTO imports (id, office_id, uploaded_by, filename, file_sha256, status, heartbeat_at)
      VALUES (${stale}, 'JHENAIDAH-SADAR', ${api.accounts.upazila_officer.id}, 'old.csv', ${'0'.repeat(64)}, 'applying', now() - interval '5 minutes')`;
    expect(await getJob(uco, stale)).toMatchObject({ status: 'failed', message: expect.stringMatching(/nothing was imported/) });
    // A job with a fresh heartbeat is busy, not interrupted, while the API runs; at start-up every running job was interrupted.
    const busy = randomUUID();
    await api.sql`INSERT INTO imports (id, office_id, uploaded_by, filename, file_sha256, status)
      VALUES (${busy}, 'JHENAIDAH-SADAR', ${api.accounts.upazila_officer.id}, 'busy.csv', ${'1'.repeat(64)}, 'validating')`;
    expect((await getJob(uco, busy)).status).toBe('validating');
    expect(await failInterruptedImports(api.sql)).toBe(1);
    expect((await getJob(uco, busy)).status).toBe('failed');

    // Temporal unreachable after the commit: the loans are saved, no workflow runs; the job says so.
    const file = csv([good({ loanRef: 'R-1', paidToDateTaka: '1050' }), good({ loanRef: 'R-2' })]);
    const broken = { ...deps, temporal: { workflow: { start: () => Promise.reject(new Error('Temporal is unreachable')) } } as never, policy: api.h.policy, startAttempts: 1 };
    const saved = await submitImport(broken, api.accounts.upazila_officer, { buffer: file, filename: 'ledger.csv' });
    await runningImports();
    expect(await getJob(uco, saved.id)).toMatchObject({ status: 'failed', rowsApplied: 2, workflowsStarted: 0, message: expect.stringMatching(/All 2 loans are saved.*Upload the same file again/) });

    const res = await upload(uco, file);
    expect(await res.json()).toEqual({ import: { id: saved.id, status: 'starting' } });
    expect(await finished(uco, saved.id)).toMatchObject({ status: 'done', workflowsStarted: 2 });
    const [loan] = await api.sql<{ id: string; paid_poisha: number }[]>`SELECT id, paid_poisha FROM loans WHERE import_id = ${saved.id} AND ledger_ref = 'R-1'`;
    expect(loan!.paid_poisha).toBe(105_000);
    expect(await api.h.startedView(loan!.id)).toMatchObject({ paidPoisha: 105_000, status: 'active' });
  });

  it('lets every role read the import jobs of its own office and below, never beside or above; only upazila officers upload', async () => {
    const jobs: Record<string, string> = {};
    for (const office of UPAZILAS) {
      jobs[office] = randomUUID();
      await api.sql`INSERT INTO imports (id, office_id, uploaded_by, filename, file_sha256, status, finished_at)
        VALUES (${jobs[office]!}, ${office}, ${api.accounts.upazila_officer.id}, 'x.csv', ${randomUUID().replace(/-/g, '').repeat(2)}, 'invalid', now())`;
    }
    const lineage = (office: string): string[] => (PARENT[office] ? [office, ...lineage(PARENT[office]!)] : [office]);
    const mismatches: string[] = [];
    for (const role of ROLES) {
      const cookie = await api.as(role);
      for (const office of UPAZILAS) {
        const readable = role === 'society_rep' ? office === ACCOUNT_OFFICE[role] : lineage(office).includes(ACCOUNT_OFFICE[role]);
        const res = await app.request(`/api/imports/${jobs[office]}`, { headers: { cookie } });
        if (res.status !== (readable ? 200 : 404)) mismatches.push(`${role} reading ${office}: ${res.status}`);
      }
      // The list shows exactly the jobs this role may open, newest first.
      const listed = ((await (await app.request('/api/imports?limit=500', { headers: { cookie } })).json()) as { items: { id: string; officeId: string }[] }).items;
      const listedHere = new Set(listed.filter((j) => Object.values(jobs).includes(j.id)).map((j) => j.officeId));
      const expected = new Set(UPAZILAS.filter((o) => (role === 'society_rep' ? o === ACCOUNT_OFFICE[role] : lineage(o).includes(ACCOUNT_OFFICE[role]))));
      if ([...expected].sort().join() !== [...listedHere].sort().join()) mismatches.push(`${role} listing: ${[...listedHere].join(',')}`);
      const uploaded = await upload(cookie, Buffer.from('not a spreadsheet'), 'nothing.txt');
      if (uploaded.status !== (role === 'upazila_officer' ? 202 : 403)) mismatches.push(`${role} uploading: ${uploaded.status}`);
    }
    expect(mismatches).toEqual([]);
    await runningImports();
  });

  it('lists jobs newest first a page at a time, by status and office, without their bad rows', async () => {
    const sha = () => randomUUID().replace(/-/g, '').repeat(2);
    const at = (s: number) => `2100-01-01T00:00:0${s}.123456Z`;
    const job = async (office: string, status: string, createdAt: string, errors: unknown[] = []) => {
      const id = randomUUID();
      await api.sql`INSERT INTO imports (id, office_id, uploaded_by, filename, file_sha256, status, errors, rows_total, created_at, finished_at, heartbeat_at)
        VALUES (${id}, ${office}, ${api.accounts.upazila_officer.id}, ${`${status}.csv`}, ${sha()}, ${status}, ${api.sql.json(errors as never)}, 3, ${createdAt}::text::timestamptz,
          ${['validating', 'applying', 'starting'].includes(status) ? null : createdAt}::text::timestamptz, ${createdAt}::text::timestamptz)`;
      return id;
    };
    const bad = [{ row: 2, column: 'nid', value: '12', reason: 'must be 10, 13 or 17 digits' }, { row: 3, column: 'societyId', value: 'X', reason: 'is not a society of your office' }];
    // Two jobs in the same microsecond: the id breaks the tie, so paging neither skips nor repeats.
    const oldest = await job('JHENAIDAH-SADAR', 'done', at(1));
    const twinA = await job('JHENAIDAH-SADAR', 'invalid', at(2), bad);
    const twinB = await job('JHENAIDAH-KALIGANJ', 'failed', at(2));
    const magura = await job('MAGURA-SADAR', 'done', at(3));
    // A running job whose heartbeat stopped long ago: listed as failed, as it is when opened.
    const stale = await job('JHENAIDAH-SADAR', 'applying', '2100-01-01T00:00:04Z');
    await api.sql`UPDATE imports SET heartbeat_at = now() - interval '5 minutes' WHERE id = ${stale}`;
    const newest = [stale, ...[twinA, twinB].sort().reverse(), oldest];

    const dco = await api.as('district_officer');
    const list = async (query: string) => {
      const res = await app.request(`/api/imports?${query}`, { headers: { cookie: dco } });
      expect(res.status, await res.clone().text()).toBe(200);
      return (await res.json()) as { items: Record<string, unknown>[]; nextCursor: string | null };
    };
    const seen: Record<string, unknown>[] = [];
    for (let cursor: string | null = ''; cursor !== null; ) {
      const p = await list(`limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(p.items.length).toBeLessThanOrEqual(2);
      seen.push(...p.items);
      cursor = p.nextCursor;
    }
    expect(seen.slice(0, 4).map((j) => j.id)).toEqual(newest);
    expect(new Set(seen.map((j) => j.id)).size).toBe(seen.length);
    const [{ n }] = await api.sql<[{ n: number }]>`SELECT count(*)::int AS n FROM imports WHERE office_id IN (SELECT id FROM office_subtree('JHENAIDAH'))`;
    expect(seen).toHaveLength(n);
    expect(seen.map((j) => j.id)).not.toContain(magura);

    const twin = seen.find((j) => j.id === twinA)!;
    expect(twin).toEqual({
      id: twinA, status: 'invalid', rowsTotal: 3, rowsValidated: 0, rowsApplied: 0, workflowsStarted: 0, percent: 100, message: null, errorCount: 2,
      officeId: 'JHENAIDAH-SADAR', uploadedBy: api.accounts.upazila_officer.id, filename: 'invalid.csv', createdAt: expect.stringMatching(/^2100-01-01T00:00:02\.123456/), finishedAt: expect.any(String),
    });
    expect(seen.find((j) => j.id === stale)).toMatchObject({ status: 'failed', message: expect.stringMatching(/nothing was imported/) });

    const invalid = await list('status=invalid&limit=500');
    expect(invalid.items.every((j) => j.status === 'invalid')).toBe(true);
    expect(invalid.items.map((j) => j.id)).toContain(twinA);
    const kaliganj = await list('officeId=JHENAIDAH-KALIGANJ&limit=500');
    expect(kaliganj.items.every((j) => j.officeId === 'JHENAIDAH-KALIGANJ')).toBe(true);
    expect(kaliganj.items[0]!.id).toBe(twinB);

    const refused = async (query: string) => {
      const res = await app.request(`/api/imports?${query}`, { headers: { cookie: dco } });
      return [res.status, ((await res.json()) as { error: { field?: string } }).error.field];
    };
    expect(await refused('officeId=MAGURA-SADAR')).toEqual([404, undefined]);
    expect(await refused('status=running')).toEqual([400, 'status']);
    expect(await refused('cursor=not-a-cursor')).toEqual([400, 'cursor']);
    expect(await refused(`cursor=${Buffer.from(JSON.stringify({ k: 'yesterday', id: twinA })).toString('base64url')}`)).toEqual([400, 'cursor']);
    expect(await refused(`cursor=${Buffer.from(JSON.stringify({ k: at(2), id: 'x' })).toString('base64url')}`)).toEqual([400, 'cursor']);
    expect((await app.request('/api/imports')).status).toBe(401);
  });
});
