import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createApiHarness, type ApiHarness } from '../../tests/api-harness';
import { insertLoan } from '../../tests/direct-loans';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness();
}, 240_000);
afterAll(async () => {
  await api?.close();
});

describe('GET /api/rules', () => {
  it('shows an officer every rule file in force with its version, and each file’s versions since first use', async () => {
    const res = await api.request(await api.as('auditor'), 'GET', '/api/rules');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { ruleSetVersion: string; files: { kind: string; version: string; content: { kind: string } }[]; refused: unknown[] };
    expect(body.files.map((f) => f.kind).sort()).toEqual(['corrections', 'deadline', 'default', 'grace', 'holidays', 'late-payment', 'notices', 'products', 'reminders']);
    expect(body.files.every((f) => f.content.kind === f.kind && f.version.includes('+'))).toBe(true);
    expect(body.refused).toEqual([]);
    expect(body.files.every((f) => (f as unknown as { refused: unknown }).refused === null)).toBe(true);
    const grace = body.files.find((f) => f.kind === 'grace')!;
    const versions = (await (await api.request(await api.as('auditor'), 'GET', '/api/rules/grace/versions')).json()) as { items: { version: string }[] };
    expect(versions.items.map((v) => v.version)).toContain(grace.version);
  });

  it('warns of a file whose latest edit was refused, naming where, while the last good version stays in force', async () => {
    const file = path.join(api.h.rulesDir, 'grace.json');
    const good = await readFile(file, 'utf8');
    const before = (await (await api.request(await api.as('collector'), 'GET', '/api/rules')).json()) as { files: { kind: string; version: string }[] };
    await writeFile(file, good.replace('"2s"', '"soon"'));
    try {
      const body = (await (await api.request(await api.as('collector'), 'GET', '/api/rules')).json()) as { files: { kind: string; version: string; refused: { path: string; reason: string } | null }[] };
      const grace = body.files.find((f) => f.kind === 'grace')!;
      expect(grace.version).toBe(before.files.find((f) => f.kind === 'grace')!.version);
      expect(grace.refused?.path).toBe('rules[0].event.params.grace');
    } finally {
      await writeFile(file, good);
    }
  });

  it('is for officers only, and names only real kinds', async () => {
    expect((await api.request(await api.as('society_rep'), 'GET', '/api/rules')).status).toBe(403);
    expect((await api.request(await api.as('society_rep'), 'POST', '/api/rules/default/what-if', { content: '{}' })).status).toBe(403);
    expect((await api.request(null, 'GET', '/api/rules')).status).toBe(401);
    expect((await api.request(await api.as('auditor'), 'GET', '/api/rules/nonsense/versions')).status).toBe(400);
  });
});

describe('changing a rule file', () => {
  const stricter = (current: { rules: { name: string; conditions: unknown; event: unknown }[] } & Record<string, unknown>) => ({
    ...current,
    label: 'stricter',
    rules: [...current.rules, { name: 'blacklist-on-first-miss', conditions: { all: [{ fact: 'missedInstallments', operator: 'greaterThanInclusive', value: 1 }] }, event: { type: 'blacklist', params: { reason: 'first miss' } } }],
  });

  it('shows what a stricter default policy would do to today’s loans, and refuses a broken file naming where', async () => {
    const loan = await insertLoan(api.sql, { society: 'SOC-1', office: 'JHENAIDAH-SADAR', district: 'JHENAIDAH', status: 'defaulted', installments: [{ k: -2, day: 5, amount: 10_000 }, { k: 2, day: 5, amount: 10_000 }] });
    await api.sql`UPDATE installments SET status = 'overdue' WHERE loan_id = ${loan.loanId} AND seq = 1`;
    const current = JSON.parse(await readFile(path.join(api.h.rulesDir, 'default.json'), 'utf8'));
    const uco = await api.as('upazila_officer');
    const res = await api.request(uco, 'POST', '/api/rules/default/what-if', { content: JSON.stringify(stricter(current)) });
    expect(res.status, await res.clone().text()).toBe(200);
    const body = (await res.json()) as { applies: boolean; changed: number; byTransition: Record<string, number>; overduePoishaChanged: number; loans: { code: string; statusProposed: string; rule: string }[] };
    expect(body.applies).toBe(true);
    expect(body.byTransition).toEqual({ 'defaulted→blacklisted': 1 });
    expect(body.loans).toEqual([expect.objectContaining({ code: loan.code, statusProposed: 'blacklisted', rule: 'blacklist-on-first-miss' })]);
    expect(body.overduePoishaChanged).toBe(10_000);
    // Another upazila's officer sees nothing of it.
    const other = await api.addUser('upazila_officer', 'JHENAIDAH-KALIGANJ');
    const theirs = (await (await api.request(await api.login(other.username), 'POST', '/api/rules/default/what-if', { content: JSON.stringify(stricter(current)) })).json()) as { changed: number };
    expect(theirs.changed).toBe(0);

    // Grace is pinned per loan at disbursement: the answer is a counterfactual (as if today's loans had
    // been disbursed under it) and says so. A month of grace would have kept this loan's installment,
    // ten days past its deadline, in grace.
    const recent = await insertLoan(api.sql, { society: 'SOC-1', office: 'JHENAIDAH-SADAR', district: 'JHENAIDAH', status: 'overdue', installments: [{ k: 2, day: 5, amount: 10_000 }] });
    await api.sql`UPDATE installments SET due_at = now() - interval '10 days', status = 'overdue' WHERE loan_id = ${recent.loanId}`;
    const grace = JSON.parse(await readFile(path.join(api.h.rulesDir, 'grace.json'), 'utf8'));
    grace.rules[0].event.params.grace = '30d';
    const longer = await api.request(uco, 'POST', '/api/rules/grace/what-if', { content: JSON.stringify(grace) });
    expect(longer.status, await longer.clone().text()).toBe(200);
    const counter = (await longer.json()) as { mode: string; note: string; byTransition: Record<string, number>; loans: { code: string; statusNow: string; statusProposed: string }[] };
    expect(counter.mode).toBe('counterfactual');
    expect(counter.note).toContain('pinned');
    expect(counter.loans).toContainEqual(expect.objectContaining({ code: recent.code, statusNow: 'defaulted', statusProposed: 'in_grace' }));

    // Reminders move no status: what-if does not apply, but the file is still checked.
    const reminders = await readFile(path.join(api.h.rulesDir, 'reminders.json'), 'utf8');
    const na = (await (await api.request(uco, 'POST', '/api/rules/reminders/what-if', { content: reminders })).json()) as { mode: string; applies: boolean; changed: number };
    expect(na).toMatchObject({ mode: 'not_applicable', applies: false, changed: 0 });

    const broken = await api.request(uco, 'POST', '/api/rules/default/what-if', { content: '{"kind":"default"' });
    expect(broken.status).toBe(400);
    expect(((await broken.json()) as { error: { field: string; message: string } }).error).toMatchObject({ field: 'content', message: expect.stringContaining('not valid JSON') });
    const badRule = await api.request(uco, 'POST', '/api/rules/default/what-if', { content: JSON.stringify({ ...current, rules: [{ name: 'x', conditions: { all: [] }, event: { type: 'punish' } }] }) });
    expect(badRule.status).toBe(400);
    expect(((await badRule.json()) as { error: { field: string } }).error.field).toMatch(/^content\.rules\[0\]/);
  });

  it('lets only headquarters activate a new version: written whole, recorded with the reason, in force at once', async () => {
    const file = path.join(api.h.rulesDir, 'default.json');
    const before = await readFile(file, 'utf8');
    const next = JSON.stringify(stricter(JSON.parse(before)), null, 2);
    expect((await api.request(await api.as('district_officer'), 'PUT', '/api/rules/default', { content: next, reason: 'too lenient' })).status).toBe(403);
    const hq = await api.as('hq_admin');
    expect((await api.request(hq, 'PUT', '/api/rules/default', { content: '{', reason: 'too lenient' })).status).toBe(400);
    expect(await readFile(file, 'utf8')).toBe(before);
    const res = await api.request(hq, 'PUT', '/api/rules/default', { content: next, reason: 'ministry circular 12/2026' });
    expect(res.status, await res.clone().text()).toBe(200);
    const { version } = (await res.json()) as { version: string };
    expect(await readFile(file, 'utf8')).toBe(next);
    const inForce = (await (await api.request(hq, 'GET', '/api/rules')).json()) as { files: { kind: string; version: string }[] };
    expect(inForce.files.find((f) => f.kind === 'default')!.version).toBe(version);
    const [change] = await api.sql<{ reason: string; old_version: string; new_version: string; changed_by: string }[]>`SELECT reason, old_version, new_version, changed_by FROM rule_changes ORDER BY id DESC LIMIT 1`;
    expect(change).toEqual({ reason: 'ministry circular 12/2026', old_version: expect.any(String), new_version: version, changed_by: api.accounts.hq_admin.id });
    expect(change!.old_version).not.toBe(version);
    expect((await api.request(hq, 'PUT', '/api/rules/default', { content: next, reason: 'again, same file' })).status).toBe(409);

    // The new version heads the list, with who and why; the diff names the added rule.
    const { items } = (await (await api.request(await api.as('auditor'), 'GET', '/api/rules/default/versions')).json()) as { items: { version: string; inForce: boolean; activatedBy: string | null; reason: string | null }[] };
    expect(items[0]).toMatchObject({ version, inForce: true, activatedBy: 'hq_admin', reason: 'ministry circular 12/2026' });
    const old = items.find((v) => v.version === change!.old_version)!;
    const diff = await api.request(await api.as('auditor'), 'GET', `/api/rules/default/diff?from=${encodeURIComponent(old.version)}&to=${encodeURIComponent(version)}`);
    expect(diff.status).toBe(200);
    const { changes } = (await diff.json()) as { changes: { path: string; kind: string; after?: { name: string } }[] };
    expect(changes).toContainEqual({ path: 'label', kind: 'changed', before: 'test', after: 'stricter' });
    expect(changes).toContainEqual(expect.objectContaining({ path: 'rules[2]', kind: 'added', after: expect.objectContaining({ name: 'blacklist-on-first-miss' }) }));
    expect((await api.request(await api.as('auditor'), 'GET', `/api/rules/default/diff?from=nope&to=${encodeURIComponent(version)}`)).status).toBe(404);

    // An edit started from a version no longer in force is refused rather than silently overwriting it.
    const stale = await api.request(hq, 'PUT', '/api/rules/default', { content: before, reason: 'back to the pilot', basedOn: old.version });
    expect(stale.status).toBe(409);
    expect(await readFile(file, 'utf8')).toBe(next);

    // Two policymakers activating from the same version at once: one wins, the other is told.
    const a = JSON.stringify({ ...JSON.parse(next), label: 'race-a' });
    const b = JSON.stringify({ ...JSON.parse(next), label: 'race-b' });
    const statuses = (await Promise.all([a, b].map((content) => api.request(hq, 'PUT', '/api/rules/default', { content, reason: 'at the same time', basedOn: version })))).map((r) => r.status).sort();
    expect(statuses).toEqual([200, 409]);
    const [{ n }] = await api.sql<[{ n: number }]>`SELECT count(*)::int AS n FROM rule_changes WHERE old_version = ${version}`;
    expect(n).toBe(1);
  });
});
