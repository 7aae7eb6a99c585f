// Every role × every endpoint × records of its own office, offices below, beside and above.
// The expectations come from the rule as the department states it, written out here on its own:
// read your office and everything below it (a society representative: their society only);
// change directly only your own office's records, and only what your role may do.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../api/access/actor';
import { toDhakaDate } from '../domain/dhaka-time';
import { runningImports } from '../import/run-import';
import { TEMPLATE_COLUMNS } from '../import/template';
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
/** An import job of every office, and an open correction request of every upazila with one attachment. */
const importJobs: Record<string, string> = {};
const corrections: Record<string, { id: string; attachmentId: string }> = {};
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);

beforeAll(async () => {
  api = await createApiHarness();
  for (const office of ALL_OFFICES) {
    targetUsers[office] = { reset: (await api.addUser('auditor', office)).id, deactivate: (await api.addUser('auditor', office)).id };
    importJobs[office] = randomUUID();
    await api.sql`INSERT INTO imports (id, office_id, uploaded_by, filename, file_sha256, status, finished_at)
      VALUES (${importJobs[office]!}, ${office}, ${api.accounts.hq_admin.id}, 'ledger.csv', ${randomUUID().replace(/-/g, '').repeat(2)}, 'invalid', now())`;
  }
  for (const upazila of UPAZILAS) {
    // Asked by someone of that upazila who is none of the test accounts: the requester always reads their own.
    const requester = await api.addUser('collector', upazila);
    corrections[upazila] = { id: randomUUID(), attachmentId: randomUUID() };
    await api.sql`INSERT INTO correction_requests (id, record_kind, record_id, office_id, changes, reason, requested_by, status)
      VALUES (${corrections[upazila]!.id}, 'borrower', ${api.borrowers[upazila]!}, ${upazila}, ${api.sql.json([{ field: 'roomNo', old: null, new: '7' }])},
        'room number missing', ${requester.id}, 'pending')`;
    await api.sql`INSERT INTO correction_attachments (id, request_id, filename, content_type, size_bytes, sha256, bytes, uploaded_by)
      VALUES (${corrections[upazila]!.attachmentId}, ${corrections[upazila]!.id}, 'nid.png', 'image/png', ${PNG.length}, ${'0'.repeat(64)}, ${Buffer.from(PNG)}, ${requester.id})`;
  }
}, 240_000);
afterAll(async () => {
  await runningImports();
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
    (SELECT count(*) FROM correction_attachments) AS attachments,
    (SELECT count(*) FROM loan_events WHERE kind <> 'disbursed') AS events,
    (SELECT string_agg(CASE WHEN status IN ('disbursing', 'active') THEN 'open' ELSE status END, ',' ORDER BY id) FROM loans) AS statuses`;
  return JSON.stringify(row);
}

interface Target {
  office: string;
  society: string | null;
}

interface Case {
  endpoint: string;
  action: string | null;
  targets: Target[];
  call(cookie: string, target: Target): Promise<Response>;
  /** Where an endpoint's rule differs from the general one, the case says so here. */
  expected?(role: Role, target: Target): Outcome;
  /** What the response means, when its status alone does not say (an upload judged in the background). */
  outcome?(res: Response): Promise<Outcome>;
}

const upazilaTargets = UPAZILAS.map((u) => ({ office: u, society: societyOf(u) }));
const officeTargets = ALL_OFFICES.map((o) => ({ office: o, society: null }));
// A correction request belongs to its office: read, like GET /api/corrections/{id}, by office.
const correctionTargets = UPAZILAS.map((u) => ({ office: u, society: null }));

const multipart = async (cookie: string, path: string, bytes: Uint8Array, filename: string): Promise<Response> => {
  const form = new FormData();
  form.append('file', new File([bytes], filename));
  return api.app.request(path, { method: 'POST', headers: cookie ? { cookie } : {}, body: form });
};

/** A one-row ledger for the target's society, different every time (the same file again would find its earlier job). */
function ledgerFor(target: Target): Uint8Array {
  const row: Record<string, string> = {
    societyId: target.society!, borrowerName: `সদস্য ${randomUUID().slice(0, 8)}`, fatherOrHusbandName: 'পিতা', productCode: 'MONTHLY',
    principalTaka: '12000', disbursedOn: toDhakaDate(Date.now()),
  };
  const lines = [TEMPLATE_COLUMNS.map((c) => c.headerEn).join(','), TEMPLATE_COLUMNS.map((c) => row[c.key] ?? '').join(',')];
  return new TextEncoder().encode(`${lines.join('\r\n')}\r\n`);
}

/**
 * An accepted upload is judged row by row in the background: imported (allowed), or its row refused
 * because the society is not one the uploader sees (hidden) or may not change (forbidden).
 */
async function importOutcome(res: Response): Promise<Outcome> {
  if (res.status !== 202) return outcomeOf(res.status);
  const { import: accepted } = (await res.json()) as { import: { id: string } };
  await runningImports();
  const job = (await (await api.request(await api.as('hq_admin'), 'GET', `/api/imports/${accepted.id}`)).json()) as { import: { status: string; errors: { column: string; reason: string }[] } };
  if (job.import.status === 'done') return 'allowed';
  const refusal = job.import.errors.find((e) => e.column === TEMPLATE_COLUMNS.find((c) => c.key === 'societyId')!.headerEn);
  if (job.import.status === 'invalid' && refusal) return /is not a society of your office/.test(refusal.reason) ? 'hidden' : 'forbidden';
  return `import ${job.import.status}: ${JSON.stringify(job.import.errors)}` as Outcome;
}

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
  { endpoint: 'GET /api/imports?officeId', action: null, targets: officeTargets, call: (c, t) => api.request(c, 'GET', `/api/imports?officeId=${t.office}`) },
  { endpoint: 'GET /api/imports/{id}', action: null, targets: officeTargets, call: (c, t) => api.request(c, 'GET', `/api/imports/${importJobs[t.office]}`) },
  {
    // An upload always goes into the uploader's own office, so a role that may not disburse is refused
    // before the file is read, whatever society its rows name.
    endpoint: 'POST /api/imports', action: 'loan.disburse', targets: upazilaTargets,
    expected: (role, t) => (MAY['loan.disburse']!.includes(role) ? expectedWrite(role, 'loan.disburse', t.office, t.society) : 'forbidden'),
    call: (c, t) => multipart(c, '/api/imports', ledgerFor(t), 'ledger.csv'),
    outcome: importOutcome,
  },
  {
    endpoint: 'GET /api/corrections/{id}/attachments', action: null, targets: correctionTargets,
    call: (c, t) => api.request(c, 'GET', `/api/corrections/${corrections[t.office]!.id}/attachments`),
  },
  {
    endpoint: 'GET /api/corrections/{id}/attachments/{attachmentId}', action: null, targets: correctionTargets,
    call: (c, t) => api.request(c, 'GET', `/api/corrections/${corrections[t.office]!.id}/attachments/${corrections[t.office]!.attachmentId}`),
  },
  {
    // Evidence is added by whoever may read the open request; it changes no record.
    endpoint: 'POST /api/corrections/{id}/attachments', action: null, targets: correctionTargets,
    call: (c, t) => multipart(c, `/api/corrections/${corrections[t.office]!.id}/attachments`, PNG, 'ledger-page.png'),
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
        const expected = kase.expected
          ? kase.expected(role, target)
          : kase.action ? expectedWrite(role, kase.action, target.office, target.society) : mayRead(role, target.office, target.society) ? 'allowed' : 'hidden';
        const before = expected === 'allowed' ? null : await fingerprint();
        const res = await kase.call(cookie, target);
        const got = kase.outcome ? await kase.outcome(res.clone()) : outcomeOf(res.status);
        if (got !== expected) mismatches.push(`${relation(ACCOUNT_OFFICE[role], target.office)} ${target.office}: expected ${expected}, got ${got}: ${res.status} ${await res.text()}`);
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

  it.each(ROLES.map((r) => [r]))('the list of import jobs holds exactly what %s may read', async (role) => {
    const listed = (await (await api.request(await api.as(role), 'GET', '/api/imports?limit=500')).json()) as { items: { id: string }[] };
    const expected = (await api.sql<{ id: string; office_id: string }[]>`SELECT id, office_id FROM imports`).filter((j) => mayRead(role, j.office_id, null));
    expect(listed.items.map((j) => j.id).sort()).toEqual(expected.map((j) => j.id).sort());
  });

  it('refuses every endpoint without a session', async () => {
    for (const kase of cases) {
      const res = await kase.call('', upazilaTargets[0]!);
      expect(res.status, kase.endpoint).toBe(401);
    }
  });
});
