// Every role × every endpoint × records of its own office, offices below, beside and above.
// The expectations come from the rule as the department states it, written out here on its own:
// read your office and everything below it (a society representative: their society only);
// change directly only your own office's records, and only what your role may do.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../api/access/actor';
import { ACCOUNT_OFFICE, createApiHarness, PARENT, societyOf, UPAZILAS, type ApiHarness } from './api-harness';

const MAY: Record<string, Role[]> = {
  'borrower.create': ['upazila_officer', 'collector'],
  'society.create': ['upazila_officer'],
  'loan.disburse': ['upazila_officer'],
  'payment.record': ['upazila_officer', 'collector'],
  'loan.close': ['upazila_officer'],
  'user.manage': ['hq_admin', 'divisional_officer', 'district_officer', 'upazila_officer'],
};

const ALL_OFFICES = Object.keys(PARENT);
const ancestorsOf = (office: string): string[] => (office ? [office, ...(PARENT[office] ? ancestorsOf(PARENT[office]!) : [])] : []);
const relation = (actorOffice: string, target: string) =>
  target === actorOffice ? 'own' : ancestorsOf(target).includes(actorOffice) ? 'below' : ancestorsOf(actorOffice).includes(target) ? 'above' : 'beside';

function mayRead(role: Role, targetOffice: string, targetSociety: string | null): boolean {
  // A society representative: records of their own society, and their own upazila office itself.
  if (role === 'society_rep') return targetSociety ? targetSociety === societyOf(ACCOUNT_OFFICE[role]) : targetOffice === ACCOUNT_OFFICE[role];
  return ancestorsOf(targetOffice).includes(ACCOUNT_OFFICE[role]);
}

type Outcome = 'allowed' | 'forbidden' | 'hidden';
function expectedWrite(role: Role, action: string, targetOffice: string, targetSociety: string | null): Outcome {
  if (!mayRead(role, targetOffice, targetSociety)) return 'hidden';
  if (!MAY[action]!.includes(role)) return 'forbidden';
  if (action === 'user.manage' && role === 'hq_admin') return 'allowed';
  return targetOffice === ACCOUNT_OFFICE[role] ? 'allowed' : 'forbidden';
}
const outcomeOf = (status: number): Outcome => (status === 404 ? 'hidden' : status === 403 ? 'forbidden' : status === 401 ? ('unauthenticated' as Outcome) : 'allowed');

let api: ApiHarness;
const targetUsers: Record<string, { reset: string; deactivate: string }> = {};

beforeAll(async () => {
  api = await createApiHarness();
  for (const office of ALL_OFFICES) {
    targetUsers[office] = { reset: (await api.addUser('auditor', office)).id, deactivate: (await api.addUser('auditor', office)).id };
  }
}, 240_000);
afterAll(async () => {
  await api?.close();
});

/**
 * What a refused request could have changed. Loans allowed earlier still move from 'disbursing' to
 * 'active' in the background and write their 'disbursed' event, so those two are not counted.
 */
async function fingerprint(): Promise<string> {
  return snapshot();
}

async function snapshot(): Promise<string> {
  const [row] = await api.sql`SELECT
    (SELECT count(*) FROM borrowers) AS borrowers, (SELECT count(*) FROM societies) AS societies,
    (SELECT count(*) FROM users) AS users, (SELECT count(*) FILTER (WHERE active) FROM users) AS active_users,
    (SELECT string_agg(password_hash, '' ORDER BY id) FROM users) AS hashes,
    (SELECT count(*) FROM loans) AS loans, (SELECT count(*) FROM payments) AS payments,
    (SELECT count(*) FROM loan_events WHERE kind <> 'disbursed') AS events,
    (SELECT string_agg(CASE WHEN status IN ('disbursing', 'active') THEN 'open' ELSE status END, ',' ORDER BY id) FROM loans) AS statuses`;
  return JSON.stringify(row);
}

interface Case {
  endpoint: string;
  action: string | null;
  targets: { office: string; society: string | null }[];
  call(cookie: string, target: { office: string; society: string | null }): Promise<Response>;
}

const upazilaTargets = UPAZILAS.map((u) => ({ office: u, society: societyOf(u) }));
const officeTargets = ALL_OFFICES.map((o) => ({ office: o, society: null }));

const cases: Case[] = [
  { endpoint: 'GET /api/borrowers/{id}', action: null, targets: upazilaTargets, call: (c, t) => api.request(c, 'GET', `/api/borrowers/${api.borrowers[t.office]}`) },
  { endpoint: 'GET /api/loans/{id}', action: null, targets: upazilaTargets, call: (c, t) => api.request(c, 'GET', `/api/loans/${api.loans[t.office]}`) },
  { endpoint: 'GET /api/loans/{id}/timeline', action: null, targets: upazilaTargets, call: (c, t) => api.request(c, 'GET', `/api/loans/${api.loans[t.office]}/timeline`) },
  { endpoint: 'GET /api/societies?officeId', action: null, targets: officeTargets, call: (c, t) => api.request(c, 'GET', `/api/societies?officeId=${t.office}`) },
  { endpoint: 'GET /api/payments?officeId', action: null, targets: officeTargets, call: (c, t) => api.request(c, 'GET', `/api/payments?officeId=${t.office}`) },
  { endpoint: 'GET /api/installments?officeId', action: null, targets: officeTargets, call: (c, t) => api.request(c, 'GET', `/api/installments?officeId=${t.office}&from=2026-01-01&to=2030-12-31`) },
  { endpoint: 'GET /api/defaulters?officeId', action: null, targets: officeTargets, call: (c, t) => api.request(c, 'GET', `/api/defaulters?officeId=${t.office}`) },
  {
    endpoint: 'POST /api/borrowers', action: 'borrower.create', targets: upazilaTargets,
    call: (c, t) => api.request(c, 'POST', '/api/borrowers', { societyId: t.society, name: 'নতুন সদস্য', fatherOrHusbandName: 'পিতা' }),
  },
  {
    endpoint: 'POST /api/societies', action: 'society.create', targets: UPAZILAS.map((u) => ({ office: u, society: null })),
    call: (c, t) => api.request(c, 'POST', '/api/societies', { id: `NEW-${randomUUID().slice(0, 8).toUpperCase()}`, officeId: t.office, nameBn: 'সমিতি', nameEn: 'Society', projectName: 'আশ্রয়ণ' }),
  },
  {
    endpoint: 'POST /api/loans', action: 'loan.disburse', targets: upazilaTargets,
    call: (c, t) => api.request(c, 'POST', '/api/loans', { borrowerId: api.borrowers[t.office], productCode: 'MONTHLY', principalPoisha: 100_000 }),
  },
  {
    endpoint: 'POST /api/loans/{id}/payments', action: 'payment.record', targets: upazilaTargets,
    call: (c, t) => api.request(c, 'POST', `/api/loans/${api.loans[t.office]}/payments`, { receiptNo: `R${randomUUID().slice(0, 8)}`, amountPoisha: 1_000, provider: 'cash' }),
  },
  {
    endpoint: 'POST /api/users', action: 'user.manage', targets: officeTargets,
    call: (c, t) => api.request(c, 'POST', '/api/users', { username: `new-${randomUUID().slice(0, 8)}`, name: 'নতুন', role: 'auditor', officeId: t.office, password: 'a long enough secret' }),
  },
  {
    endpoint: 'POST /api/users/{id}/reset-password', action: 'user.manage', targets: officeTargets,
    call: (c, t) => api.request(c, 'POST', `/api/users/${targetUsers[t.office]!.reset}/reset-password`, { newPassword: 'another long secret' }),
  },
  {
    endpoint: 'POST /api/users/{id}/deactivate', action: 'user.manage', targets: officeTargets,
    call: (c, t) => api.request(c, 'POST', `/api/users/${targetUsers[t.office]!.deactivate}/deactivate`),
  },
  // Closing last: it ends the own-office loan for the later roles' checks.
  {
    endpoint: 'POST /api/loans/{id}/close', action: 'loan.close', targets: upazilaTargets,
    call: (c, t) => api.request(c, 'POST', `/api/loans/${api.loans[t.office]}/close`, { kind: 'cancel', reason: 'entered by mistake' }),
  },
];

describe.sequential('access matrix', () => {
  for (const kase of cases) {
    it.each(ROLES.map((r) => [r]))(`${kase.endpoint} as %s: own, below, beside and above as the rule says`, async (role) => {
      const cookie = await api.as(role);
      const mismatches: string[] = [];
      for (const target of kase.targets) {
        const expected = kase.action ? expectedWrite(role, kase.action, target.office, target.society) : mayRead(role, target.office, target.society) ? 'allowed' : 'hidden';
        const before = expected === 'allowed' ? null : await fingerprint();
        const res = await kase.call(cookie, target);
        const got = outcomeOf(res.status);
        if (got !== expected) mismatches.push(`${relation(ACCOUNT_OFFICE[role], target.office)} ${target.office}: expected ${expected}, got ${res.status} ${await res.text()}`);
        if (expected === 'allowed' && res.status >= 500) mismatches.push(`${target.office}: server error ${res.status}`);
        if (before !== null && (await fingerprint()) !== before) mismatches.push(`${target.office}: a refused request changed the database`);
      }
      expect(mismatches).toEqual([]);
    });
  }

  it.each(ROLES.map((r) => [r]))('lists of borrowers and loans hold exactly what %s may read', async (role) => {
    const cookie = await api.as(role);
    const borrowers = (await (await api.request(cookie, 'GET', '/api/borrowers?limit=500')).json()) as { items: { id: string; societyId: string }[] };
    const expectedBorrowers = (await api.sql<{ id: string; society_id: string; office_id: string }[]>`
      SELECT b.id, b.society_id, s.office_id FROM borrowers b JOIN societies s ON s.id = b.society_id`).filter((b) => mayRead(role, b.office_id, b.society_id));
    expect(borrowers.items.map((b) => b.id).sort()).toEqual(expectedBorrowers.map((b) => b.id).sort());
    const loans = (await (await api.request(cookie, 'GET', '/api/loans?limit=500')).json()) as { items: { id: string }[] };
    const expectedLoans = (await api.sql<{ id: string; society_id: string; office_id: string }[]>`SELECT id, society_id, office_id FROM loans`).filter((l) => mayRead(role, l.office_id, l.society_id));
    expect(loans.items.map((l) => l.id).sort()).toEqual(expectedLoans.map((l) => l.id).sort());
    const due = (await (await api.request(cookie, 'GET', '/api/installments?from=2000-01-01&to=2100-01-01&limit=500')).json()) as { items: { loanId: string }[] };
    expect([...new Set(due.items.map((i) => i.loanId))].sort()).toEqual(expectedLoans.map((l) => l.id).sort());
  });

  it('refuses every endpoint without a session', async () => {
    for (const kase of cases) {
      const res = await kase.call('', upazilaTargets[0]!);
      expect(res.status, kase.endpoint).toBe(401);
    }
  });
});
