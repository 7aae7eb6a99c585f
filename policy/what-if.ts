// What a proposed policy file would do to today's open portfolio.
//
// - default rules are read live by every loan's workflow, so the answer is exact: each open loan's
//   facts (from its installments and payments in the database) run through the rules in force and
//   the proposed ones; the workflow never lowers a status the rules raised, so only escalations change.
// - grace, deadline, holidays and late-payment rules are pinned per loan at disbursement, so
//   activating a new version changes no open loan. The answer is a counterfactual instead: each open
//   loan is re-evaluated as if it had been disbursed under the current set and under the proposed
//   set (due dates, grace, late-payment counting, then the default rules), and the two are compared.
import type { PendingQuery, Row } from 'postgres';
import type { Sql } from '../db/client';
import { generateSchedule } from '../domain/schedule';
import type { LoanStatus, ResolvedPolicy } from '../domain/types';
import { evaluateDefault } from './evaluate-default';
import type { PolicySet } from './policy-store';
import { PolicyResolutionError, resolvePolicy } from './resolve-policy';
import type { PolicyKind } from './schema';
import type { LoadedFile } from './validate-file';

export interface WhatIfLoan {
  loanId: string;
  code: string;
  borrowerName: string;
  officeId: string;
  statusNow: string;
  statusProposed: string;
  rule: string | null;
  overduePoisha: number;
  outstandingPoisha: number;
}

export interface WhatIfResult {
  loansExamined: number;
  changed: number;
  overduePoishaChanged: number;
  outstandingPoishaChanged: number;
  byTransition: Record<string, number>;
  /** Loans whose product or rules could not be resolved under one of the two sets (left out). */
  unresolved: number;
  /** The first 100 loans that would change. */
  loans: WhatIfLoan[];
}

/** The kinds whose change can move a loan's status; the others (products, reminders, corrections, notices) cannot. */
export const STATUS_KINDS = ['default', 'grace', 'late-payment', 'deadline', 'holidays'] as const satisfies readonly PolicyKind[];
export type StatusKind = (typeof STATUS_KINDS)[number];
export const isStatusKind = (k: string): k is StatusKind => (STATUS_KINDS as readonly string[]).includes(k);

const DAY_MS = 86_400_000;
const RANK: Record<string, number> = { active: 0, in_grace: 1, overdue: 2, defaulted: 3, blacklisted: 4 };
const STICKY = new Set(['defaulted', 'blacklisted']);

export interface OpenLoan {
  id: string;
  code: string;
  borrowerName: string;
  officeId: string;
  districtId: string;
  productCode: string;
  status: LoanStatus;
  disbursedAt: number;
  principalPoisha: number;
  outstandingPoisha: number;
  /** Payments that reached an installment after its deadline. */
  latePayments: number;
  installments: { seq: number; dueAt: number; amountPoisha: number; paidPoisha: number; status: string }[];
}

export interface Outcome {
  status: string;
  overduePoisha: number;
  rule: string | null;
}

const empty = (loansExamined: number): WhatIfResult => ({ loansExamined, changed: 0, overduePoishaChanged: 0, outstandingPoishaChanged: 0, byTransition: {}, unresolved: 0, loans: [] });

async function openLoans(sql: Sql, scope: PendingQuery<Row[]>): Promise<OpenLoan[]> {
  const rows = await sql<{ id: string; code: string; borrower_name: string; office_id: string; district_id: string; product_code: string; status: LoanStatus; disbursed_at: Date; principal: string; outstanding: string; late: number; installments: { seq: number; due_at: string; amount: number; paid: number; status: string }[] | null }[]>`
    SELECT l.id, l.code, b.name AS borrower_name, l.office_id, l.district_id, l.product_code, l.status, l.disbursed_at,
      l.principal_poisha AS principal, (coalesce(l.total_owed_poisha, 0) - l.paid_poisha) AS outstanding,
      (SELECT count(*) FROM payments p WHERE p.loan_id = l.id AND p.late)::int AS late,
      (SELECT json_agg(json_build_object('seq', i.seq, 'due_at', i.due_at, 'amount', i.amount_poisha, 'paid', i.paid_poisha, 'status', i.status) ORDER BY i.seq)
         FROM installments i WHERE i.loan_id = l.id) AS installments
    FROM loans l JOIN borrowers b ON b.id = l.borrower_id
    WHERE l.status IN ('active', 'in_grace', 'overdue', 'defaulted', 'blacklisted') AND ${scope}
    ORDER BY l.code`;
  return rows.map((r) => ({
    id: r.id, code: r.code, borrowerName: r.borrower_name, officeId: r.office_id, districtId: r.district_id, productCode: r.product_code, status: r.status,
    disbursedAt: r.disbursed_at.getTime(), principalPoisha: Number(r.principal), outstandingPoisha: Number(r.outstanding), latePayments: r.late,
    installments: (r.installments ?? []).map((i) => ({ seq: i.seq, dueAt: Date.parse(i.due_at), amountPoisha: Number(i.amount), paidPoisha: Number(i.paid), status: i.status })),
  }));
}

function facts(loan: OpenLoan, overdue: { dueAt: number; remaining: number }[], latePaymentCount: number, now: number) {
  const oldest = overdue.reduce<number | null>((min, i) => (min === null || i.dueAt < min ? i.dueAt : min), null);
  const msPastDue = oldest === null ? 0 : Math.max(0, now - oldest);
  return {
    missedInstallments: overdue.length, daysPastDue: Math.floor(msPastDue / DAY_MS), msPastDue,
    overdueAmountPoisha: overdue.reduce((t, i) => t + i.remaining, 0), outstandingPoisha: loan.outstandingPoisha,
    latePaymentCount, status: loan.status, districtCode: loan.districtId, upazilaCode: loan.officeId, productCode: loan.productCode,
  };
}

/** The status the database's own installment states lead to under a set's default rules (what the workflow would do). */
export async function liveOutcome(set: PolicySet, loan: OpenLoan, now: number): Promise<Outcome> {
  const overdue = loan.installments.filter((i) => i.status === 'overdue').map((i) => ({ dueAt: i.dueAt, remaining: i.amountPoisha - i.paidPoisha }));
  const overduePoisha = overdue.reduce((t, i) => t + i.remaining, 0);
  // The workflow reviews a loan only while something is overdue.
  if (overdue.length === 0) return { status: loan.status, overduePoisha, rule: null };
  const result = await evaluateDefault(set, facts(loan, overdue, loan.latePayments, now));
  const escalated = result.escalation === 'blacklist' ? 'blacklisted' : result.escalation === 'default' ? 'defaulted' : null;
  const status = escalated && RANK[escalated]! > RANK[loan.status]! ? escalated : loan.status;
  return { status, overduePoisha, rule: result.rule?.rule ?? null };
}

/**
 * The status a loan would have today had it been disbursed under `set`: its due dates (when
 * `redate`), each unpaid installment pending, in grace or overdue by the set's grace, late payments
 * counted by the set's late-payment mode, then the set's default rules. A status the workflow has
 * already raised (defaulted, blacklisted) is kept as a floor: escalations are never lowered.
 */
export async function counterfactualOutcome(set: PolicySet, policy: ResolvedPolicy, loan: OpenLoan, now: number, redate: boolean): Promise<Outcome> {
  const dueAt = new Map(redate ? generateSchedule(loan.principalPoisha, loan.disbursedAt, policy).installments.map((i) => [i.seq, i.dueAt]) : []);
  const unpaid = loan.installments
    .filter((i) => i.paidPoisha < i.amountPoisha)
    .map((i) => ({ dueAt: dueAt.get(i.seq) ?? i.dueAt, remaining: i.amountPoisha - i.paidPoisha }));
  const overdue = unpaid.filter((i) => now >= i.dueAt + policy.graceMs);
  const inGrace = unpaid.some((i) => now >= i.dueAt && now < i.dueAt + policy.graceMs);
  const overduePoisha = overdue.reduce((t, i) => t + i.remaining, 0);
  let status = overdue.length > 0 ? 'overdue' : inGrace ? 'in_grace' : 'active';
  let rule: string | null = null;
  if (overdue.length > 0) {
    const result = await evaluateDefault(set, facts(loan, overdue, policy.lateAcceptance === 'accept' ? 0 : loan.latePayments, now));
    if (result.escalation) {
      status = result.escalation === 'blacklist' ? 'blacklisted' : 'defaulted';
      rule = result.rule?.rule ?? null;
    }
  }
  if (STICKY.has(loan.status) && RANK[loan.status]! > RANK[status]!) status = loan.status;
  return { status, overduePoisha, rule };
}

/** Compares every open loan in scope under the policy in force and under the set with `proposed` in place of its kind. */
export async function whatIf(sql: Sql, set: PolicySet, proposed: LoadedFile, scope: PendingQuery<Row[]>, now = Date.now()): Promise<WhatIfResult> {
  const loans = await openLoans(sql, scope);
  if (!isStatusKind(proposed.kind)) return empty(loans.length);
  const kind = proposed.kind;
  const proposedSet = { ...set, files: { ...set.files, [kind]: proposed } } as PolicySet;
  const result = empty(loans.length);
  // Loans of one product and place resolve to the same policy: resolve each combination once per set.
  const cache = new Map<string, Promise<ResolvedPolicy>>();
  const resolved = (which: 'now' | 'next', s: PolicySet, l: OpenLoan) => {
    const key = `${which}|${l.productCode}|${l.districtId}|${l.officeId}`;
    if (!cache.has(key)) cache.set(key, resolvePolicy(s, { loanId: l.id, productCode: l.productCode, districtCode: l.districtId, upazilaCode: l.officeId }));
    return cache.get(key)!;
  };
  const redate = kind === 'deadline' || kind === 'holidays';
  for (const loan of loans) {
    let before: Outcome, after: Outcome;
    if (kind === 'default') {
      [before, after] = await Promise.all([liveOutcome(set, loan, now), liveOutcome(proposedSet, loan, now)]);
    } else {
      try {
        const [p0, p1] = await Promise.all([resolved('now', set, loan), resolved('next', proposedSet, loan)]);
        [before, after] = await Promise.all([counterfactualOutcome(set, p0, loan, now, redate), counterfactualOutcome(proposedSet, p1, loan, now, redate)]);
      } catch (err) {
        if (!(err instanceof PolicyResolutionError)) throw err;
        result.unresolved += 1;
        continue;
      }
    }
    if (before.status === after.status) continue;
    const overdue = Math.max(before.overduePoisha, after.overduePoisha);
    result.changed += 1;
    result.overduePoishaChanged += overdue;
    result.outstandingPoishaChanged += loan.outstandingPoisha;
    const key = `${before.status}→${after.status}`;
    result.byTransition[key] = (result.byTransition[key] ?? 0) + 1;
    if (result.loans.length < 100) {
      result.loans.push({ loanId: loan.id, code: loan.code, borrowerName: loan.borrowerName, officeId: loan.officeId, statusNow: before.status, statusProposed: after.status, rule: after.rule ?? before.rule, overduePoisha: overdue, outstandingPoisha: loan.outstandingPoisha });
    }
  }
  return result;
}
