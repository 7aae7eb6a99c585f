import { cp, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoanFacts } from '../domain/types';
import { evaluateDefault } from './evaluate-default';
import { PolicyStore, type PolicySet } from './policy-store';
import { PolicyResolutionError, resolvePolicy } from './resolve-policy';

const RULES = fileURLToPath(new URL('../rules', import.meta.url));
const SECOND = 1000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function copyRules(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'asrayon-resolve-'));
  dirs.push(dir);
  await cp(RULES, dir, { recursive: true });
  return dir;
}

let bumps = 0;
async function editJson(dir: string, kind: string, edit: (json: Json) => void): Promise<void> {
  const file = path.join(dir, `${kind}.json`);
  const json = JSON.parse(await readFile(file, 'utf8')) as Json;
  edit(json);
  await writeFile(file, JSON.stringify(json, null, 2));
  bumps += 1;
  const at = new Date(Date.now() + bumps * 60_000);
  await utimes(file, at, at);
}

/** A policy store over a private copy of rules/, after `edit` has changed it. */
async function storeWith(edit: (dir: string) => Promise<void> = async () => {}) {
  const dir = await copyRules();
  await edit(dir);
  const store = await PolicyStore.open(dir, { recheckMs: 0 });
  return { dir, store, set: await store.get() };
}

const loan = (productCode: string, districtCode = 'KURIGRAM', upazilaCode = 'KURIGRAM-SADAR'): LoanFacts => ({
  loanId: `loan-${productCode}-${districtCode}`,
  productCode,
  districtCode,
  upazilaCode,
});

describe('resolvePolicy on the 2026-11 pilot rules', () => {
  let set: PolicySet;
  let holidayDates: string[];
  beforeAll(async () => {
    ({ set } = await storeWith());
    holidayDates = (JSON.parse(await readFile(path.join(RULES, 'holidays.json'), 'utf8')) as { holidays: { date: string }[] }).holidays.map((h) => h.date);
  });

  it('gives a monthly loan the fallback rules: due on the 10th at 17:00, three reminders, 15 days grace', async () => {
    const p = await resolvePolicy(set, loan('ASH-STD'));
    expect(p.product).toMatchObject({ code: 'ASH-STD', installmentCount: 12, serviceChargeBps: 500, frequency: { every: 1, unit: 'month' } });
    expect(p.deadline).toEqual({ dueDayOfMonth: 10, closesAt: '17:00', weekendDays: [5, 6], shift: 'next', holidays: holidayDates });
    expect(p.reminders).toEqual([
      { name: 'seven-days-before', beforeMs: 7 * DAY },
      { name: 'one-day-before', beforeMs: DAY },
      { name: 'on-the-day', beforeMs: 8 * HOUR },
    ]);
    expect(p.graceMs).toBe(15 * DAY);
    expect(p.lateAcceptance).toBe('accept_late');
    expect(p.reviewEveryMs).toBe(DAY);
  });

  it('lets the weekly product rules override the fallback by priority', async () => {
    const p = await resolvePolicy(set, loan('ASH-WEEKLY'));
    expect(p.deadline.dueDayOfMonth).toBeNull();
    expect(p.reminders.map((r) => r.name)).toEqual(['one-day-before', 'on-the-day']);
    expect(p.graceMs).toBe(3 * DAY);
    expect(p.refs.deadline.rule).toBe('weekly-same-weekday');
    expect(p.refs.reminders.rule).toBe('weekly-short-reminders');
    expect(p.refs.grace.rule).toBe('weekly-grace');
    expect(p.refs.lateAcceptance.rule).toBe('accept-late-everywhere');
  });

  it('records which rule of which file version decided each part', async () => {
    const p = await resolvePolicy(set, loan('ASH-LONG'));
    expect(p.refs).toEqual({
      product: { kind: 'products', rule: 'ASH-LONG', version: set.files.products.version },
      deadline: { kind: 'deadline', rule: 'standard-deadline', version: set.files.deadline.version },
      reminders: { kind: 'reminders', rule: 'standard-reminders', version: set.files.reminders.version },
      grace: { kind: 'grace', rule: 'standard-grace', version: set.files.grace.version },
      lateAcceptance: { kind: 'late-payment', rule: 'accept-late-everywhere', version: set.files['late-payment'].version },
    });
    expect(p.ruleSetVersion).toBe(set.version);
  });

  it('refuses an unknown product, naming it and the known ones', async () => {
    const resolving = resolvePolicy(set, loan('ASH-NOPE'));
    await expect(resolving).rejects.toBeInstanceOf(PolicyResolutionError);
    await expect(resolvePolicy(set, loan('ASH-NOPE'))).rejects.toThrow('unknown loan product "ASH-NOPE" (known: ASH-STD, ASH-WEEKLY, ASH-LONG)');
  });
});

describe('resolvePolicy with district rules', () => {
  const floodGrace = (priority: number, grace = '30d') => ({
    name: `kurigram-flood-grace-${priority}`,
    priority,
    conditions: { all: [{ fact: 'districtCode', operator: 'equal', value: 'KURIGRAM' }] },
    event: { type: 'grace', params: { grace } },
  });

  it('gives a district its own grace and leaves other districts on the fallback', async () => {
    const { set } = await storeWith((dir) => editJson(dir, 'grace', (j) => j.rules.push(floodGrace(20))));
    const kurigram = await resolvePolicy(set, loan('ASH-STD', 'KURIGRAM'));
    const dhaka = await resolvePolicy(set, loan('ASH-STD', 'DHAKA'));
    expect(kurigram.graceMs).toBe(30 * DAY);
    expect(kurigram.refs.grace).toEqual({ kind: 'grace', rule: 'kurigram-flood-grace-20', version: set.files.grace.version });
    expect(dhaka.graceMs).toBe(15 * DAY);
    expect(dhaka.refs.grace.rule).toBe('standard-grace');
  });

  it('picks the highest-priority matching rule, whatever its place in the file', async () => {
    // District rule at priority 20 beats the weekly product rule at 10; at priority 5 it loses to it
    // but still beats the fallback at 1.
    const high = (await storeWith((dir) => editJson(dir, 'grace', (j) => j.rules.unshift(floodGrace(20))))).set;
    expect((await resolvePolicy(high, loan('ASH-WEEKLY', 'KURIGRAM'))).refs.grace.rule).toBe('kurigram-flood-grace-20');

    const low = (await storeWith((dir) => editJson(dir, 'grace', (j) => j.rules.push(floodGrace(5, '10d'))))).set;
    const weekly = await resolvePolicy(low, loan('ASH-WEEKLY', 'KURIGRAM'));
    expect(weekly.refs.grace.rule).toBe('weekly-grace');
    expect(weekly.graceMs).toBe(3 * DAY);
    const monthly = await resolvePolicy(low, loan('ASH-STD', 'KURIGRAM'));
    expect(monthly.refs.grace.rule).toBe('kurigram-flood-grace-5');
    expect(monthly.graceMs).toBe(10 * DAY);
  });

  it('breaks a tie between matching rules of equal priority by their order in the file', async () => {
    // The district rule has two conditions and the weekly rule one; both at priority 10. The one
    // written first wins, whichever json-rules-engine happens to finish evaluating first.
    const twoConditions = () => ({
      ...floodGrace(10),
      conditions: { all: [{ fact: 'districtCode', operator: 'equal', value: 'KURIGRAM' }, { fact: 'productCode', operator: 'equal', value: 'ASH-WEEKLY' }] },
    });
    const first = (await storeWith((dir) => editJson(dir, 'grace', (j) => j.rules.unshift(twoConditions())))).set;
    expect((await resolvePolicy(first, loan('ASH-WEEKLY', 'KURIGRAM'))).refs.grace.rule).toBe('kurigram-flood-grace-10');
    const last = (await storeWith((dir) => editJson(dir, 'grace', (j) => j.rules.push(twoConditions())))).set;
    expect((await resolvePolicy(last, loan('ASH-WEEKLY', 'KURIGRAM'))).refs.grace.rule).toBe('weekly-grace');
  });

  it('can match on upazila and combine facts', async () => {
    const { set } = await storeWith((dir) =>
      editJson(dir, 'late-payment', (j) =>
        j.rules.push({
          name: 'hold-in-chilmari-weekly',
          priority: 50,
          conditions: {
            all: [
              { fact: 'upazilaCode', operator: 'equal', value: 'KURIGRAM-CHILMARI' },
              { fact: 'productCode', operator: 'in', value: ['ASH-WEEKLY'] },
            ],
          },
          event: { type: 'late-payment', params: { mode: 'hold' } },
        }),
      ),
    );
    expect((await resolvePolicy(set, loan('ASH-WEEKLY', 'KURIGRAM', 'KURIGRAM-CHILMARI'))).lateAcceptance).toBe('hold');
    expect((await resolvePolicy(set, loan('ASH-STD', 'KURIGRAM', 'KURIGRAM-CHILMARI'))).lateAcceptance).toBe('accept_late');
    expect((await resolvePolicy(set, loan('ASH-WEEKLY', 'KURIGRAM', 'KURIGRAM-SADAR'))).lateAcceptance).toBe('accept_late');
  });

  it('turns weekday names into day numbers and keeps sub-second precision of durations', async () => {
    const { set } = await storeWith(async (dir) => {
      await editJson(dir, 'deadline', (j) => (j.rules[0].event.params.weekendDays = ['Sun', 'Sat']));
      await editJson(dir, 'reminders', (j) => (j.rules[0].event.params.offsets = [{ name: 'just-before', before: '1m30s' }]));
    });
    const p = await resolvePolicy(set, loan('ASH-STD'));
    expect(p.deadline.weekendDays).toEqual([0, 6]);
    expect(p.reminders).toEqual([{ name: 'just-before', beforeMs: 90 * SECOND }]);
  });
});

describe('resolvePolicy pins versions', () => {
  it('keeps a resolved policy unchanged when a rule changes later, while a new resolution sees the change', async () => {
    const { dir, store } = await storeWith();
    const first = await resolvePolicy(await store.get(), loan('ASH-STD'));
    const snapshot = structuredClone(first);

    await editJson(dir, 'grace', (j) => (j.rules[0].event.params.grace = '20d'));
    const second = await resolvePolicy(await store.get(), loan('ASH-STD'));

    expect(first).toEqual(snapshot);
    expect(first.graceMs).toBe(15 * DAY);
    expect(second.graceMs).toBe(20 * DAY);
    expect(second.refs.grace.rule).toBe(first.refs.grace.rule);
    expect(second.refs.grace.version).not.toBe(first.refs.grace.version);
    expect(second.ruleSetVersion).not.toBe(first.ruleSetVersion);
    expect(second.refs.deadline).toEqual(first.refs.deadline);
    expect(second.refs.product).toEqual(first.refs.product);
  });
});

describe('evaluateDefault on the 2026-11 pilot rules', () => {
  let set: PolicySet;
  beforeAll(async () => {
    ({ set } = await storeWith());
  });

  const facts = (over: Record<string, unknown> = {}) => ({
    missedInstallments: 0,
    daysPastDue: 0,
    msPastDue: 0,
    overdueAmountPoisha: 0,
    outstandingPoisha: 1_000_000,
    latePaymentCount: 0,
    status: 'overdue',
    districtCode: 'KURIGRAM',
    upazilaCode: 'KURIGRAM-SADAR',
    productCode: 'ASH-STD',
    ...over,
  });

  it('asks for nothing when no rule fires', async () => {
    const f = facts({ missedInstallments: 1, daysPastDue: 20, msPastDue: 20 * DAY, overdueAmountPoisha: 105_000 });
    expect(await evaluateDefault(set, f)).toEqual({ escalation: null, rule: null, reason: null, fired: [], ruleSetVersion: set.version, facts: f });
  });

  it.each([
    ['two missed installments', { missedInstallments: 2 }],
    ['60 days past due', { missedInstallments: 1, daysPastDue: 60 }],
    ['Tk 20,000 overdue', { missedInstallments: 1, overdueAmountPoisha: 2_000_000 }],
  ])('defaults a loan with %s', async (_what, over) => {
    const r = await evaluateDefault(set, facts(over));
    expect(r.escalation).toBe('default');
    expect(r.rule).toEqual({ kind: 'default', rule: 'default-two-missed-or-60-days', version: set.files.default.version });
    expect(r.reason).toBe('two installments missed, 60 days past due, or Tk 20,000 overdue');
    expect(r.fired).toEqual(['default-two-missed-or-60-days']);
  });

  it('blacklists rather than defaults when both rules fire', async () => {
    const r = await evaluateDefault(set, facts({ missedInstallments: 3, daysPastDue: 75 }));
    expect(r.escalation).toBe('blacklist');
    expect(r.rule?.rule).toBe('blacklist-three-missed-or-90-days');
    expect(r.reason).toBe('three installments missed or 90 days past due');
    expect([...r.fired].sort()).toEqual(['blacklist-three-missed-or-90-days', 'default-two-missed-or-60-days']);
  });

  it('blacklists even when the blacklist rule comes first in the file and the default rule has higher priority', async () => {
    const { set: reordered } = await storeWith((dir) =>
      editJson(dir, 'default', (j) => {
        j.rules.reverse();
        j.rules[1].priority = 50;
      }),
    );
    const r = await evaluateDefault(reordered, facts({ missedInstallments: 4 }));
    expect(r.escalation).toBe('blacklist');
    expect(r.rule).toEqual({ kind: 'default', rule: 'blacklist-three-missed-or-90-days', version: reordered.files.default.version });
  });

  it('uses the rule name as the reason when the rule gives none', async () => {
    const { set: plain } = await storeWith((dir) => editJson(dir, 'default', (j) => delete j.rules[0].event.params));
    const r = await evaluateDefault(plain, facts({ missedInstallments: 2 }));
    expect(r.escalation).toBe('default');
    expect(r.reason).toBe('default-two-missed-or-60-days');
  });
});
