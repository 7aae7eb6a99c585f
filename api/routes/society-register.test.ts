// A society's register for the network's forms: dates, current and earlier leaders, and whether the
// reader may change it directly — within the reader's part of the country only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, type ApiHarness } from '../../tests/api-harness';
import type { SocietyRegisterBody } from './society-register';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness();
  const uco = await api.as('upazila_officer');
  for (const [name, mobile, electedOn] of [['সালমা বেগম', '01711000003', '2024-01-10'], ['নাসরিন আক্তার', '01711000004', '2026-02-01']] as const) {
    const res = await api.request(uco, 'POST', '/api/societies/SOC-1/leaders', { position: 'president', name, mobile, electedOn, preferredChannel: 'whatsapp', whatsappConsent: true });
    expect(res.status).toBe(201);
  }
  expect((await api.request(uco, 'POST', '/api/societies/SOC-1/leaders', { position: 'secretary', name: 'করিম মিয়া', mobile: '01711000002', electedOn: '2026-02-01' })).status).toBe(201);
  expect((await api.request(uco, 'POST', '/api/societies/SOC-1/register', { lastAgmOn: '2026-03-01', electionDueOn: '2029-02-01' })).status).toBe(200);
}, 240_000);
afterAll(async () => {
  await api?.close();
});

const register = async (role: Parameters<ApiHarness['as']>[0], id = 'SOC-1') => api.request(await api.as(role), 'GET', `/api/societies/${id}/register`);

describe('GET /api/societies/{id}/register', () => {
  it('gives the dates and the leaders, current ones first, and lets the UCO change it', async () => {
    const res = await register('upazila_officer');
    expect(res.status).toBe(200);
    const body = (await res.json()) as SocietyRegisterBody;
    expect(body.society).toMatchObject({ id: 'SOC-1', officeId: 'JHENAIDAH-SADAR', active: true, lastAgmOn: '2026-03-01', lastAuditOn: null, electionDueOn: '2029-02-01' });
    expect(body.leaders.map((l) => [l.position, l.name, l.endedOn])).toEqual([
      ['president', 'নাসরিন আক্তার', null],
      ['secretary', 'করিম মিয়া', null],
      ['president', 'সালমা বেগম', '2026-02-01'],
    ]);
    expect(body.leaders[0]).toMatchObject({ preferredChannel: 'whatsapp', whatsappConsent: true, mobile: '01711000004' });
    expect(body.canChange).toBe(true);
  });

  it('shows it to the district office and the society’s representative, without the right to change it', async () => {
    for (const role of ['district_officer', 'society_rep'] as const) {
      const res = await register(role);
      expect(res.status, role).toBe(200);
      expect(((await res.json()) as SocietyRegisterBody).canChange, role).toBe(false);
    }
  });

  it('hides a society outside the reader’s part of the country, and one that does not exist', async () => {
    expect((await register('upazila_officer', 'SOC-JHENAIDAH-KALIGANJ')).status).toBe(404);
    expect((await register('society_rep', 'SOC-JHENAIDAH-KALIGANJ')).status).toBe(404);
    expect((await register('district_officer', 'SOC-NOPE')).status).toBe(404);
  });
});
