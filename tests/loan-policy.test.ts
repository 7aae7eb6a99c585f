// Policy as data: a loan pins the rules in force at disbursement; later edits change later loans
// only; a bad edit is refused while the running system keeps its last good policy; a "hold" policy
// keeps late money aside for an officer.
import { readFile, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decideHeldPaymentUpdate, loanWorkflowId } from '../workflows/loan-definitions';
import { addBorrower, copyRules, createHarness, type Harness } from './loan-harness';

let h: Harness;
beforeAll(async () => {
  const rulesDir = await copyRules((kind, json) => {
    if (kind === 'late-payment') {
      (json.rules as { event: { params: { mode: string } } }[])[0]!.event.params.mode = 'hold';
    }
  });
  h = await createHarness({ rulesDir });
});
afterAll(async () => {
  await h?.close();
});

async function editRules(kind: string, edit: (json: Record<string, unknown>) => void) {
  const file = path.join(h.rulesDir, `${kind}.json`);
  const json = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  edit(json);
  await writeFile(file, JSON.stringify(json, null, 2));
  const later = new Date(Date.now() + Math.floor(Math.random() * 1000) * 1000);
  await utimes(file, later, later);
}

describe.sequential('policy', () => {
  it('holds a payment made after grace for an officer, who accepts it into the loan', async () => {
    const borrowerId = await addBorrower(h.sql);
    const loan = await h.disburse({ borrowerId });
    await h.waitFor(loan.loanId, (x) => x.installments[0]!.status === 'overdue');
    const held = await h.pay(loan.loanId, { trxId: 'HELD-1', amountPoisha: 105_000 });
    expect(held).toMatchObject({ outcome: 'held', allocations: [] });
    let v = await h.view(loan.loanId);
    expect(v.heldPoisha).toBe(105_000);
    expect(v.paidPoisha).toBe(0);
    const [stored] = await h.sql`SELECT status, loan_id FROM payments WHERE trx_id = 'HELD-1'`;
    expect(stored).toEqual({ status: 'held', loan_id: loan.loanId });

    const handle = h.temporal.workflow.getHandle(loanWorkflowId(loan.loanId));
    const decided = await handle.executeUpdate(decideHeldPaymentUpdate, { args: [{ trxId: 'HELD-1', accept: true, by: 'uco-sadar', note: 'flood week; accepted' }] });
    expect(decided).toMatchObject({ outcome: 'applied', allocations: [{ seq: 1, amountPoisha: 105_000 }] });
    v = await h.view(loan.loanId);
    expect(v.heldPoisha).toBe(0);
    expect(v.paidPoisha).toBe(105_000);
    const [after] = await h.sql`SELECT status, decided_by FROM payments WHERE trx_id = 'HELD-1'`;
    expect(after).toEqual({ status: 'applied', decided_by: 'uco-sadar' });
    await h.cancel(loan.loanId);
  });

  it('keeps the grace a loan was given when the grace rule changes later; new loans get the new one', async () => {
    const borrowerId = await addBorrower(h.sql);
    const before = await h.disburse({ borrowerId });
    const v1 = await h.waitFor(before.loanId, (x) => x.status === 'active');
    const oldVersion = v1.ruleSetVersion;

    await editRules('grace', (json) => {
      json.label = 'test longer grace';
      (json.rules as { event: { params: { grace: string } } }[])[0]!.event.params.grace = '1h';
    });
    await h.policy.reload();
    const other = await addBorrower(h.sql, '01812345678');
    const after = await h.disburse({ borrowerId: other });
    const v2 = await h.waitFor(after.loanId, (x) => x.status === 'active');
    expect(v2.ruleSetVersion).not.toBe(oldVersion);

    const [a, b] = await h.sql<{ id: string; graceMs: number; version: string }[]>`
      SELECT id, (policy->>'graceMs')::bigint AS "graceMs", policy->'refs'->'grace'->>'version' AS version
      FROM loans WHERE id IN (${before.loanId}, ${after.loanId}) ORDER BY (id = ${after.loanId})`;
    expect(a).toMatchObject({ graceMs: 2000 });
    expect(b).toMatchObject({ graceMs: 3_600_000 });
    expect(b!.version).toMatch(/^test longer grace\+/);
    const versions = await h.sql`SELECT version FROM rule_versions WHERE kind = 'grace' ORDER BY first_used_at`;
    expect(versions.map((r) => r.version)).toEqual([a!.version, b!.version]);

    // The first loan's deadline still gets its pinned 2 s of grace.
    await h.waitFor(before.loanId, (x) => x.installments[0]!.status === 'overdue');
    await h.cancel(before.loanId);
    await h.cancel(after.loanId);
  });

  it('refuses a bad rule file and keeps deciding with the last good version', async () => {
    await editRules('grace', (json) => {
      (json.rules as { event: { params: { grace: string } } }[])[0]!.event.params.grace = '2s';
    });
    await h.policy.reload();
    const good = (await h.policy.get()).version;
    await editRules('default', (json) => {
      (json.rules as { conditions: unknown }[])[0]!.conditions = { all: [{ fact: 'missedInstalments', operator: 'greaterThanInclusive', value: 1 }] };
    });
    await h.policy.reload();
    expect((await h.policy.get()).version).toBe(good);
    const [refused] = h.policy.refusedFiles();
    expect(refused!.file).toMatch(/default\.json$/);
    expect(refused!.reason).toMatch(/missedInstalments/);

    const borrowerId = await addBorrower(h.sql);
    const loan = await h.disburse({ borrowerId });
    const v = await h.waitFor(loan.loanId, (x) => x.status === 'defaulted');
    expect(v.decisions.at(-1)!.rule).toMatchObject({ rule: 'test-default-one-missed' });
    await h.cancel(loan.loanId);
  });
});
