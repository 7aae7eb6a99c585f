import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PolicyStore, type PolicySet } from './policy-store';
import { resolvePolicy } from './resolve-policy';
import { validatePolicyFile } from './validate-file';
import { counterfactualOutcome, liveOutcome, type OpenLoan } from './what-if';

const FIXTURE_RULES = path.resolve(import.meta.dirname, '../tests/fixtures/rules-fast');
const DAY = 86_400_000;
const NOW = Date.parse('2026-11-22T06:00:00Z');
let set: PolicySet;
beforeAll(async () => {
  set = await (await PolicyStore.open(FIXTURE_RULES, { recheckMs: 60_000 })).get();
});

const loan = (over: Partial<OpenLoan> = {}): OpenLoan => ({
  id: 'l1', code: 'L-1', borrowerName: 'x', officeId: 'JHENAIDAH-SADAR', districtId: 'JHENAIDAH', productCode: 'MONTHLY', status: 'overdue',
  disbursedAt: NOW - 40 * DAY, principalPoisha: 100_000, outstandingPoisha: 20_000, latePayments: 0,
  installments: [
    { seq: 1, dueAt: NOW - 10 * DAY, amountPoisha: 10_000, paidPoisha: 0, status: 'overdue' },
    { seq: 2, dueAt: NOW + 20 * DAY, amountPoisha: 10_000, paidPoisha: 0, status: 'pending' },
  ],
  ...over,
});

async function withFile(kind: 'grace' | 'default', edit: (json: { rules: { event: { params: Record<string, unknown> } }[] }) => void): Promise<PolicySet> {
  const json = JSON.parse(await readFile(path.join(FIXTURE_RULES, `${kind}.json`), 'utf8'));
  edit(json);
  const file = await validatePolicyFile(`${kind}.json`, kind, JSON.stringify(json));
  return { ...set, files: { ...set.files, [kind]: file } } as PolicySet;
}

describe('what a policy file would do to an open loan', () => {
  it('a longer grace would have kept an installment ten days past its deadline in grace instead of defaulted', async () => {
    const longer = await withFile('grace', (g) => void (g.rules[0]!.event.params.grace = '30d'));
    const facts = { loanId: 'l1', productCode: 'MONTHLY', districtCode: 'JHENAIDAH', upazilaCode: 'JHENAIDAH-SADAR' };
    const now = await counterfactualOutcome(set, await resolvePolicy(set, facts), loan(), NOW, false);
    const next = await counterfactualOutcome(longer, await resolvePolicy(longer, facts), loan(), NOW, false);
    expect(now).toEqual({ status: 'defaulted', overduePoisha: 10_000, rule: 'test-default-one-missed' });
    expect(next).toEqual({ status: 'in_grace', overduePoisha: 0, rule: null });
  });

  it('never lowers a status the workflow has already raised', async () => {
    const longer = await withFile('grace', (g) => void (g.rules[0]!.event.params.grace = '30d'));
    const facts = { loanId: 'l1', productCode: 'MONTHLY', districtCode: 'JHENAIDAH', upazilaCode: 'JHENAIDAH-SADAR' };
    const next = await counterfactualOutcome(longer, await resolvePolicy(longer, facts), loan({ status: 'blacklisted' }), NOW, false);
    expect(next.status).toBe('blacklisted');
  });

  it('live default rules escalate only loans with overdue installments, and only upwards', async () => {
    const lenient = await withFile('default', (d) => d.rules.forEach((r) => ((r as unknown as { conditions: unknown }).conditions = { all: [{ fact: 'missedInstallments', operator: 'greaterThanInclusive', value: 5 }] })));
    expect((await liveOutcome(set, loan(), NOW)).status).toBe('defaulted');
    expect((await liveOutcome(lenient, loan(), NOW)).status).toBe('overdue');
    expect((await liveOutcome(lenient, loan({ status: 'defaulted' }), NOW)).status).toBe('defaulted');
    const paidUp = loan({ status: 'active', installments: [{ seq: 1, dueAt: NOW - DAY, amountPoisha: 10_000, paidPoisha: 10_000, status: 'paid' }] });
    expect((await liveOutcome(set, paidUp, NOW)).status).toBe('active');
  });
});
