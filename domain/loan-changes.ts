// The changes the loan workflow makes to its state and the records it persists for them, as pure
// functions: the workflow calls them, and so does the bulk import (import/imported-state.ts), which
// computes an imported loan's first state ahead of the workflow and writes it in one transaction.
// One implementation, so an imported loan is in exactly the state its workflow would have reached.
import { applyMoney, deriveStatus, installSchedule, isTerminal, nextTimer, paidTotal, recordDecision, type LoanState } from './loan-state';
import type { Schedule } from './schedule';
import type { EpochMs, LoanEventRecord, LoanInput, LoanMessage, PaymentInput, PaymentResult, ResolvedPolicy, RuleRef } from './types';

export type EventFields = Partial<Omit<LoanEventRecord, 'loanId' | 'key' | 'version' | 'snapshot'>> & Pick<LoanEventRecord, 'kind' | 'actor'>;

/** Policy pinned and schedule installed: the loan is active. */
export function disburse(s: LoanState, policy: ResolvedPolicy, schedule: Schedule, at: EpochMs): void {
  installSchedule(s, policy, schedule);
  recordDecision(s, at, 'active', 'loan disbursed; schedule generated', policy.refs.product, {
    principalPoisha: s.input.principalPoisha,
    totalOwedPoisha: schedule.totalOwedPoisha,
    installments: schedule.installments.length,
  }, s.input.disbursedBy);
}

/** What the schedule SMS sent at disbursement says: the first installment, the total, how many. */
export function scheduleMessageFields(owed: ScheduleOwed): { amountPoisha: number; totalPoisha: number; count: number; date: string } {
  const first = owed.installments[0]!;
  return { amountPoisha: first.amountPoisha, totalPoisha: owed.totalOwedPoisha, count: owed.installments.length, date: first.dueDate };
}

/** The installments and total a schedule SMS names: a loan's state or the schedule just generated. */
type ScheduleOwed = { installments: readonly { amountPoisha: number; dueDate: string }[]; totalOwedPoisha: number };

/** The schedule SMS sent at disbursement. */
export function scheduleMessage(input: LoanInput, owed: ScheduleOwed, at: EpochMs): LoanMessage {
  return { loanId: input.loanId, loanCode: input.loanCode, borrowerId: input.borrowerId, template: 'loan_schedule', key: 'disbursed', at, ...scheduleMessageFields(owed) };
}

/** Moves the loan to the status its installments imply, recording why; the fields of the event to persist. */
export function settle(s: LoanState, at: EpochMs, fields: EventFields, reason: string, rule: RuleRef | null, facts: Record<string, unknown>): EventFields {
  const from = s.status;
  const to = deriveStatus(s);
  recordDecision(s, at, to, reason, rule, facts, fields.actor);
  const blacklist = from !== 'settled' && to === 'settled' ? 'settle' : null;
  return { ...fields, from, to: s.status, rule, facts, blacklist: fields.blacklist ?? blacklist, detail: { reason, ...fields.detail } };
}

/**
 * A payment the policy accepts: money to installments, the status it implies, the answer kept for
 * repeats. `actor` is who the audit trail names (the workflow: the payment itself).
 */
export function receivePayment(
  s: LoanState,
  p: PaymentInput,
  at: EpochMs,
  actor = `payment:${p.trxId}`,
): { money: ReturnType<typeof applyMoney>; event: EventFields; result: PaymentResult } {
  const money = applyMoney(s, p);
  const event = settle(
    s,
    at,
    { kind: 'payment', actor, payment: { ...p, outcome: 'applied', ...money } },
    'payment received',
    money.late ? s.policy!.refs.lateAcceptance : null,
    { trxId: p.trxId, amountPoisha: p.amountPoisha, paidAt: p.paidAt, late: money.late },
  );
  const result: PaymentResult = { trxId: p.trxId, outcome: 'applied', duplicate: false, ...money, statusAfter: s.status };
  s.payments[p.trxId] = result;
  return { money, event, result };
}

/**
 * The payment made before the loan entered Asrayon (LoanInput.priorPayments) to apply now: the
 * earliest not yet applied, if it comes no later than the loan's next timer (the workflow replays
 * them in time order among its timers), and never on a finished loan.
 */
export function duePriorPayment(s: LoanState): PaymentInput | null {
  if (isTerminal(s.status)) return null;
  const prior = (s.input.priorPayments ?? []).filter((p) => !s.payments[p.trxId]).sort((a, b) => a.paidAt - b.paidAt)[0];
  if (!prior) return null;
  const next = nextTimer(s);
  return !next || prior.paidAt <= next.at ? prior : null;
}

/**
 * The next event of the loan as persistLoanEvent stores it: keyed by the loan's event sequence, with
 * a snapshot of the installments that changed (`changed`) and of those removed.
 */
export function loanEvent(s: LoanState, fields: EventFields, at: EpochMs, changed: ReadonlySet<number>, removedSeqs: number[]): LoanEventRecord {
  s.eventSeq += 1;
  return {
    loanId: s.input.loanId,
    key: `e${s.eventSeq}`,
    version: s.eventSeq,
    at,
    from: null,
    to: null,
    rule: null,
    ruleSetVersion: s.policy?.ruleSetVersion ?? null,
    facts: null,
    detail: null,
    payment: null,
    blacklist: null,
    closedReason: null,
    amounts: null,
    ...fields,
    snapshot: {
      status: s.status,
      paidPoisha: paidTotal(s),
      creditPoisha: s.creditPoisha,
      installments: s.installments
        .filter((i) => changed.has(i.seq))
        .map(({ seq, dueDate, dueAt, status, amountPoisha, paidPoisha, paidAt, lateByMs }) => ({ seq, dueDate, dueAt, status, amountPoisha, paidPoisha, paidAt, lateByMs })),
      ...(removedSeqs.length ? { removedSeqs } : {}),
    },
  };
}
