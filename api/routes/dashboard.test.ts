// The dashboard and society summary over HTTP. Besides the harness's four running loans (one per
// upazila), the loans of seedDashboardScenario are written straight into the tables (no workflows:
// these endpoints only read), dated relative to the current Dhaka month:
//   K  JHENAIDAH-KALIGANJ, in grace: 10 000 due on the 5th of M-2 and M-1 and the 1st of M0 (at 00:00);
//      8 000 paid on the 10th of M-2 (to #1), 10 000 on the 3rd of M-1 (2 000 to #1, 8 000 to #2)
//   D1 MAGURA-SADAR, defaulted for the first time this month
//   D2 MAGURA-SADAR, defaulted in M-1, blacklisted this month: not a new defaulter
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../access/actor';
import { createApiHarness, type ApiHarness } from '../../tests/api-harness';
import { monthStart, seedDashboardScenario } from '../../tests/direct-loans';
import type { DashboardBody } from './dashboard';
import type { CollectionReportBody } from './reports';
import type { SocietySummaryBody } from './society-summary';

let api: ApiHarness;
const M0 = monthStart(0);
const month = monthStart;

beforeAll(async () => {
  api = await createApiHarness();
  await seedDashboardScenario(api.sql);
}, 240_000);
afterAll(async () => {
  await api?.close();
});

async function get<T>(role: Role, path: string, status = 200): Promise<T> {
  const res = await api.request(await api.as(role), 'GET', path);
  expect(res.status, `${path}: ${res.status}`).toBe(status);
  return (await res.json()) as T;
}
const series = (d: DashboardBody, k: number) => d.series.find((s) => s.month === month(k).slice(0, 7))!;

describe('GET /api/reports/dashboard', () => {
  it("gives the district officer this month's collection report for their district, with tiles and twelve months", async () => {
    const d = await get<DashboardBody>('district_officer', '/api/reports/dashboard');
    const report = await get<CollectionReportBody>('district_officer', '/api/reports/collection');
    expect(d.office.id).toBe('JHENAIDAH');
    expect(d.totals).toEqual(report.totals);
    expect(d.children).toEqual(report.children);
    expect(d.loansInGrace).toBe(1);
    expect(d.loansOverdue).toBe(0);
    expect(d.loansInArrears).toBe(1); // K, in grace and behind
    expect(d.newDefaulters).toBe(0);
    expect(d.series).toHaveLength(12);
    expect(d.series.at(-1)!.month).toBe(M0.slice(0, 7));
    expect(d.series[0]!.from).toBe(month(-11));
    expect(series(d, -2)).toMatchObject({ duePoisha: 10_000, collectedPoisha: 8_000 });
    expect(series(d, -1)).toMatchObject({ duePoisha: 10_000, collectedPoisha: 10_000 });
    // This month's bar is the tile: the same due and collected as the collection report.
    expect(series(d, 0)).toMatchObject({ duePoisha: report.totals.duePoisha, collectedPoisha: report.totals.collectedPoisha });
  });

  it('counts a loan as a new defaulter only in the month it first defaulted', async () => {
    const khulna = await get<DashboardBody>('divisional_officer', '/api/reports/dashboard');
    expect(khulna.newDefaulters).toBe(1);
    const magura = await get<DashboardBody>('divisional_officer', '/api/reports/dashboard?officeId=MAGURA');
    expect(magura).toMatchObject({ office: { id: 'MAGURA' }, newDefaulters: 1, loansInGrace: 0, loansInArrears: 2 });
    expect(series(magura, -2).duePoisha).toBe(20_000);
  });

  it('drills down: a child office asked for by its parent equals its own dashboard', async () => {
    const parent = await get<DashboardBody>('district_officer', '/api/reports/dashboard?officeId=JHENAIDAH-KALIGANJ');
    const own = await get<DashboardBody>('hq_admin', '/api/reports/dashboard?officeId=JHENAIDAH-KALIGANJ');
    expect({ ...parent, asOf: '' }).toEqual({ ...own, asOf: '' });
    expect(parent.children.map((c) => c.office.id)).toEqual(['SOC-JHENAIDAH-KALIGANJ']);
  });

  it("keeps an upazila officer out of another district's dashboard, and a society representative to their society", async () => {
    const refused = await get<{ error: { code: string } }>('upazila_officer', '/api/reports/dashboard?officeId=MAGURA', 404);
    expect(refused.error.code).toBe('NOT_FOUND');
    await get('upazila_officer', '/api/reports/dashboard?officeId=JHENAIDAH', 404);
    const rep = await get<DashboardBody>('society_rep', '/api/reports/dashboard');
    expect(rep.office.id).toBe('JHENAIDAH-SADAR');
    expect(rep.children.map((c) => c.office.id)).toEqual(['SOC-1']);
    const anon = await api.request(null, 'GET', '/api/reports/dashboard');
    expect(anon.status).toBe(401);
  });
});

describe('GET /api/societies/{id}', () => {
  it("sums a society's members and loans", async () => {
    const s = await get<SocietySummaryBody>('district_officer', '/api/societies/SOC-JHENAIDAH-KALIGANJ');
    expect(s.society).toMatchObject({ id: 'SOC-JHENAIDAH-KALIGANJ', officeId: 'JHENAIDAH-KALIGANJ', officeNameEn: 'JHENAIDAH-KALIGANJ' });
    expect(s.totals).toMatchObject({ borrowers: 2, loans: 2, paidPoisha: 18_000 });
    expect(s.totals.loansByStatus).toMatchObject({ active: 1, in_grace: 1, defaulted: 0 });
    expect(s.totals.principalPoisha).toBe(1_200_000 + 30_000);
    // K: #1 paid, #2 short by 2 000, #3 due on the 1st of this month: 10 000.
    expect(s.totals.overduePoisha).toBe(2_000 + 10_000);
  });

  it('answers NOT_FOUND outside the reader’s scope, as for a society that does not exist', async () => {
    await get('upazila_officer', '/api/societies/SOC-MAGURA-SADAR', 404);
    await get('society_rep', '/api/societies/SOC-JHENAIDAH-KALIGANJ', 404);
    await get('district_officer', '/api/societies/NO-SUCH', 404);
    const own = await get<SocietySummaryBody>('society_rep', '/api/societies/SOC-1');
    expect(own.totals.borrowers).toBe(1);
  });
});
