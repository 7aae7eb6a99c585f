import { Engine } from 'json-rules-engine';
import { parseDuration } from '../domain/duration';
import type { LoanFacts, ResolvedPolicy, RuleRef } from '../domain/types';
import type { PolicySet } from './policy-store';
import { WEEKDAYS, type PolicyFile, type ResolutionKind } from './schema';

export class PolicyResolutionError extends Error {
  override name = 'PolicyResolutionError';
}

type RuleFile = PolicyFile<ResolutionKind | 'corrections'>;

/** Runs one file's rules on the facts; the highest-priority rule that matches wins. */
export async function pick(file: { content: RuleFile; version: string; kind: ResolutionKind | 'corrections' }, facts: Record<string, unknown>) {
  const engine = new Engine(file.content.rules as never[], { allowUndefinedFacts: false });
  const { results } = await engine.run(facts);
  // Highest priority wins; among equal priorities the rule written first in the file wins.
  const order = (name: unknown) => file.content.rules.findIndex((r) => r.name === name);
  const winner = results
    .filter((r) => r.result)
    .sort((a, b) => (b.priority ?? 1) - (a.priority ?? 1) || order(a.name) - order(b.name))[0];
  if (!winner) throw new PolicyResolutionError(`no ${file.kind} rule applies to ${JSON.stringify(facts)}`);
  const rule = file.content.rules.find((r) => r.name === winner.name)!;
  const ref: RuleRef = { kind: file.kind, rule: rule.name, version: file.version };
  return { params: rule.event.params as Record<string, unknown>, ref };
}

/** The whole policy for one loan, pinned at disbursement with the version of every rule used. */
export async function resolvePolicy(set: PolicySet, loan: LoanFacts): Promise<ResolvedPolicy> {
  const productFile = set.files.products;
  const product = productFile.content.products.find((p) => p.code === loan.productCode);
  if (!product) {
    const known = productFile.content.products.map((p) => p.code).join(', ');
    throw new PolicyResolutionError(`unknown loan product "${loan.productCode}" (known: ${known})`);
  }
  const facts = { districtCode: loan.districtCode, upazilaCode: loan.upazilaCode, productCode: loan.productCode };
  const deadline = await pick(set.files.deadline, facts);
  const reminders = await pick(set.files.reminders, facts);
  const grace = await pick(set.files.grace, facts);
  const late = await pick(set.files['late-payment'], facts);

  const d = deadline.params as PolicyFile<'deadline'>['rules'][number]['event']['params'];
  const r = reminders.params as PolicyFile<'reminders'>['rules'][number]['event']['params'];
  return {
    product,
    deadline: {
      dueDayOfMonth: d.dueDayOfMonth,
      closesAt: d.closesAt,
      weekendDays: d.weekendDays.map((day) => WEEKDAYS.indexOf(day)),
      shift: d.shift,
      holidays: set.files.holidays.content.holidays.map((h) => h.date),
    },
    reminders: r.offsets.map((o) => ({ name: o.name, beforeMs: parseDuration(o.before) })),
    graceMs: parseDuration((grace.params as { grace: string }).grace),
    lateAcceptance: (late.params as { mode: ResolvedPolicy['lateAcceptance'] }).mode,
    reviewEveryMs: parseDuration(set.files.default.content.reviewEvery),
    refs: {
      product: { kind: 'products', rule: product.code, version: productFile.version },
      deadline: deadline.ref,
      reminders: reminders.ref,
      grace: grace.ref,
      lateAcceptance: late.ref,
    },
    ruleSetVersion: set.version,
  };
}
