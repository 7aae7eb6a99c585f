// The loan's state and the pure rules that move it. The workflow owns one LoanState, changes it only
// through these functions, and persists every change; nothing here reads a clock or does I/O, so it
// is deterministic in workflow code and easy to test on its own.
import { allocatePayment } from './allocation';
import { serviceCharge, splitEvenly } from './money';
import { generateSchedule } from './schedule';
import type {
  Decision,
  EpochMs,
  InstallmentState,
  LoanInput,
  LoanStatus,
  LoanView,
  NextTimer,
  PaymentInput,
  PaymentResult,
  Poisha,
  ResolvedPolicy,
  RuleRef,
  ScheduledInstallment,
} from './types';
import { TERMINAL_STATUSES } from './types';

const DAY_MS = 86_400_000;

export interface LoanState {
  input: LoanInput;
  policy: ResolvedPolicy | null;
  status: LoanStatus;
  totalOwedPoisha: Poisha;
  serviceChargePoisha: Poisha;
  installments: InstallmentState[];
  creditPoisha: Poisha;
  /** Every transaction id ever seen by this loan, with its answer: idempotency across runs. */
  payments: Record<string, PaymentResult>;
  held: Record<string, PaymentInput>;
  /** Escalations made by the default rules; cleared only by paying. */
  defaulted: boolean;
  blacklisted: boolean;
  everBlacklisted: boolean;
  latePaymentCount: number;
  lastReviewAt: EpochMs | null;
  decisions: Decision[];
  /** Sequence of persisted events; each event's key is derived from it. */
  eventSeq: number;
  runs: number;
  /** Principal amendments already made, by correction request id: idempotency across runs. */
  amendments?: Record<string, AmendResult>;
}

export interface AmendResult {
  principalPoisha: Poisha;
  serviceChargePoisha: Poisha;
  totalOwedPoisha: Poisha;
  installmentCount: number;
  changedSeqs: number[];
  addedSeqs: number[];
  removedSeqs: number[];
}

export function initialState(input: LoanInput): LoanState {
  return {
    input,
    policy: null,
    status: 'disbursing',
    totalOwedPoisha: 0,
    serviceChargePoisha: 0,
    installments: [],
    creditPoisha: 0,
    payments: {},
    held: {},
    defaulted: false,
    blacklisted: false,
    everBlacklisted: false,
    latePaymentCount: 0,
    lastReviewAt: null,
    decisions: [],
    eventSeq: 0,
    runs: 1,
  };
}

export function installSchedule(
  state: LoanState,
  policy: ResolvedPolicy,
  schedule: { serviceChargePoisha: Poisha; totalOwedPoisha: Poisha; installments: ScheduledInstallment[] },
): void {
  state.policy = policy;
  state.serviceChargePoisha = schedule.serviceChargePoisha;
  state.totalOwedPoisha = schedule.totalOwedPoisha;
  // Spelled out: `{ ...i, paidPoisha: 0, … }` costs about 3 µs an installment on V8 (a bulk import builds millions).
  state.installments = schedule.installments.map((i) => ({
    seq: i.seq,
    dueDate: i.dueDate,
    dueAt: i.dueAt,
    amountPoisha: i.amountPoisha,
    paidPoisha: 0,
    status: 'pending',
    paidAt: null,
    lateByMs: null,
    remindersSent: [],
  }));
}

export function isTerminal(status: LoanStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

export const paidTotal = (s: LoanState): Poisha => s.installments.reduce((t, i) => t + i.paidPoisha, 0);

/** What is unpaid of the installments due by `at`, and until when that holds: the next deadline after `at` (null: none). */
export function arrearsAt(installments: readonly { dueAt: number; amountPoisha: Poisha; paidPoisha: Poisha }[], at: number): { unpaidPoisha: Poisha; until: number | null } {
  let unpaidPoisha = 0;
  let until: number | null = null;
  for (const i of installments) {
    if (i.dueAt <= at) unpaidPoisha += i.amountPoisha - i.paidPoisha;
    else if (until === null || i.dueAt < until) until = i.dueAt;
  }
  return { unpaidPoisha, until };
}
export const outstanding = (s: LoanState): Poisha => s.totalOwedPoisha - paidTotal(s);
const remaining = (i: InstallmentState): Poisha => i.amountPoisha - i.paidPoisha;
const overdueInstallments = (s: LoanState) => s.installments.filter((i) => i.status === 'overdue');

/** The status the loan's installments and escalations imply (terminal states are sticky). */
export function deriveStatus(s: LoanState): LoanStatus {
  if (isTerminal(s.status) || s.status === 'disbursing') return s.status;
  if (s.installments.length > 0 && s.installments.every((i) => i.status === 'paid')) {
    return s.everBlacklisted ? 'settled' : 'closed';
  }
  if (s.blacklisted) return 'blacklisted';
  if (s.defaulted) return 'defaulted';
  if (s.installments.some((i) => i.status === 'overdue')) return 'overdue';
  if (s.installments.some((i) => i.status === 'in_grace')) return 'in_grace';
  return 'active';
}

/** The earliest thing the workflow must do next, which may already be in the past. */
export function nextTimer(s: LoanState): NextTimer | null {
  const policy = s.policy;
  if (!policy || isTerminal(s.status)) return null;
  const candidates: NextTimer[] = [];
  for (const inst of s.installments) {
    if (inst.status === 'pending') {
      for (const r of policy.reminders) {
        if (inst.remindersSent.includes(r.name)) continue;
        candidates.push({ at: inst.dueAt - r.beforeMs, kind: 'reminder', seq: inst.seq, why: `reminder "${r.name}" for installment ${inst.seq}` });
      }
      candidates.push({ at: inst.dueAt, kind: 'deadline', seq: inst.seq, why: `deadline of installment ${inst.seq}` });
    } else if (inst.status === 'in_grace') {
      candidates.push({ at: inst.dueAt + policy.graceMs, kind: 'grace_end', seq: inst.seq, why: `grace for installment ${inst.seq} ends` });
    }
  }
  if (overdueInstallments(s).length > 0 && !s.blacklisted) {
    const at = (s.lastReviewAt ?? 0) + policy.reviewEveryMs;
    candidates.push({ at, kind: 'review', seq: null, why: 'default rules re-examine the overdue loan' });
  }
  // Reminders sort before the deadline at the same instant so an "on the day" reminder is not lost.
  const order = { reminder: 0, deadline: 1, grace_end: 2, review: 3 } as const;
  candidates.sort((a, b) => a.at - b.at || order[a.kind] - order[b.kind] || (a.seq ?? 0) - (b.seq ?? 0));
  return candidates[0] ?? null;
}

/**
 * Reminders of one installment whose time has come. When several are due at once (a workflow
 * catching up, or a loan disbursed close to its first deadline) only the latest is sent; older ones
 * are marked skipped so a borrower never gets a burst of stale messages.
 */
export function dueReminders(s: LoanState, seq: number, now: EpochMs): { send: string | null; skip: string[] } {
  const inst = s.installments.find((i) => i.seq === seq);
  if (!inst || !s.policy || inst.status !== 'pending') return { send: null, skip: [] };
  const due = s.policy.reminders
    .filter((r) => !inst.remindersSent.includes(r.name) && inst.dueAt - r.beforeMs <= now)
    .sort((a, b) => b.beforeMs - a.beforeMs);
  if (due.length === 0) return { send: null, skip: [] };
  const latest = due[due.length - 1]!;
  const stale = now > inst.dueAt;
  return stale ? { send: null, skip: due.map((r) => r.name) } : { send: latest.name, skip: due.slice(0, -1).map((r) => r.name) };
}

export interface DefaultFacts extends Record<string, unknown> {
  missedInstallments: number;
  daysPastDue: number;
  msPastDue: number;
  overdueAmountPoisha: Poisha;
  outstandingPoisha: Poisha;
  latePaymentCount: number;
  status: LoanStatus;
  districtCode: string;
  upazilaCode: string;
  productCode: string;
}

export function defaultFacts(s: LoanState, now: EpochMs): DefaultFacts {
  const overdue = overdueInstallments(s);
  const oldest = overdue.reduce<number | null>((min, i) => (min === null || i.dueAt < min ? i.dueAt : min), null);
  const msPastDue = oldest === null ? 0 : Math.max(0, now - oldest);
  return {
    missedInstallments: overdue.length,
    daysPastDue: Math.floor(msPastDue / DAY_MS),
    msPastDue,
    overdueAmountPoisha: overdue.reduce((t, i) => t + remaining(i), 0),
    outstandingPoisha: outstanding(s),
    latePaymentCount: s.latePaymentCount,
    status: s.status,
    districtCode: s.input.districtCode,
    upazilaCode: s.input.upazilaCode,
    productCode: s.input.productCode,
  };
}

export function mustHold(s: LoanState): boolean {
  return s.policy?.lateAcceptance === 'hold' && overdueInstallments(s).length > 0;
}

/** Applies money to the installments (oldest first); returns what changed. Mutates `s`. */
export function applyMoney(s: LoanState, p: PaymentInput): Omit<PaymentResult, 'trxId' | 'outcome' | 'duplicate' | 'statusAfter'> {
  const { allocations, excessPoisha } = allocatePayment(s.installments, p.amountPoisha);
  let late = false;
  for (const a of allocations) {
    const inst = s.installments.find((i) => i.seq === a.seq)!;
    inst.paidPoisha += a.amountPoisha;
    if (p.paidAt > inst.dueAt) late = true;
    if (inst.paidPoisha === inst.amountPoisha) {
      inst.status = 'paid';
      inst.paidAt = p.paidAt;
      inst.lateByMs = Math.max(0, p.paidAt - inst.dueAt);
    }
  }
  s.creditPoisha += excessPoisha;
  if (late && s.policy?.lateAcceptance !== 'accept') s.latePaymentCount += 1;
  if (!s.installments.some((i) => i.status === 'overdue')) s.defaulted = false;
  if (s.installments.every((i) => i.status === 'paid')) s.blacklisted = false;
  return { allocations, excessPoisha, late };
}

export function recordDecision(
  s: LoanState,
  at: EpochMs,
  to: LoanStatus,
  reason: string,
  rule: RuleRef | null,
  facts: Record<string, unknown>,
  actor: string,
): Decision | null {
  if (to === s.status) return null;
  const decision: Decision = { at, from: s.status, to, reason, rule, facts, actor };
  s.decisions.push(decision);
  s.status = to;
  return decision;
}

export function view(s: LoanState, pendingWrites = 0): LoanView {
  const paid = paidTotal(s);
  const next = s.installments.find((i) => i.status !== 'paid');
  return {
    loanId: s.input.loanId,
    loanCode: s.input.loanCode,
    status: s.status,
    ruleSetVersion: s.policy?.ruleSetVersion ?? null,
    totalOwedPoisha: s.totalOwedPoisha,
    paidPoisha: paid,
    outstandingPoisha: s.totalOwedPoisha - paid,
    overduePoisha: overdueInstallments(s).reduce((t, i) => t + remaining(i), 0),
    creditPoisha: s.creditPoisha,
    heldPoisha: Object.values(s.held).reduce((t, p) => t + p.amountPoisha, 0),
    nextDeadline: next ? { seq: next.seq, dueAt: next.dueAt, dueDate: next.dueDate, remainingPoisha: remaining(next) } : null,
    nextTimer: nextTimer(s),
    installments: s.installments,
    decisions: s.decisions,
    runsSoFar: s.runs,
    pendingWrites,
  };
}

/**
 * A corrected principal and/or number of installments for a running loan. Paid installments stay
 * exactly as they were; the open ones are kept (with their dates) up to the new count, later ones
 * added on the product's schedule or dropped (only if nothing was paid on them), and the new amount
 * owed, less what the paid ones hold, is spread over the open ones (rounding on the last).
 */
export function planAmendment(
  s: LoanState,
  change: { principalPoisha?: Poisha; installmentCount?: number },
): { ok: true; result: AmendResult; open: ScheduledInstallment[] } | { ok: false; reason: string } {
  const policy = s.policy;
  if (!policy) return { ok: false, reason: 'the loan is not disbursed yet' };
  const principal = change.principalPoisha ?? s.input.principalPoisha;
  const count = change.installmentCount ?? s.installments.length;
  if (!Number.isSafeInteger(principal) || principal <= 0) return { ok: false, reason: 'principal must be a positive whole number of poisha' };
  if (!Number.isInteger(count) || count < 1 || count > 600) return { ok: false, reason: 'the number of installments must be between 1 and 600' };
  const charge = serviceCharge(principal, policy.product.serviceChargeBps);
  const total = principal + charge;
  const fixed = s.installments.filter((i) => i.status === 'paid');
  const open = s.installments.filter((i) => i.status !== 'paid').sort((a, b) => a.seq - b.seq);
  const openCount = count - fixed.length;
  if (open.length === 0) return { ok: false, reason: 'every installment is already paid' };
  if (openCount < 1) return { ok: false, reason: `${fixed.length} installments are already paid; the loan needs more than that` };
  const removed = open.slice(openCount);
  const partly = removed.find((i) => i.paidPoisha > 0);
  if (partly) return { ok: false, reason: `installment ${partly.seq} already has money paid on it and cannot be dropped` };
  const kept = open.slice(0, openCount);
  // Dates of added installments follow the product's cadence from the disbursement, as if the loan
  // had been made with the new count; a seq keeps the date it would have had.
  const maxSeq = Math.max(...s.installments.map((i) => i.seq));
  const addedSeqs = Array.from({ length: Math.max(0, openCount - open.length) }, (_, k) => maxSeq + 1 + k);
  const dates = addedSeqs.length
    ? generateSchedule(principal, s.input.disbursedAt, { ...policy, product: { ...policy.product, installmentCount: maxSeq + addedSeqs.length } }).installments
    : [];
  const targets: ScheduledInstallment[] = [
    ...kept.map((i) => ({ seq: i.seq, dueDate: i.dueDate, dueAt: i.dueAt, amountPoisha: 0 })),
    ...addedSeqs.map((seq) => {
      const d = dates.find((x) => x.seq === seq)!;
      return { seq, dueDate: d.dueDate, dueAt: d.dueAt, amountPoisha: 0 };
    }),
  ];
  const remaining = total - fixed.reduce((t, i) => t + i.amountPoisha, 0);
  if (remaining < targets.length) return { ok: false, reason: `the new amount owed (${total} poisha) is less than what the paid installments already hold` };
  const shares = splitEvenly(remaining, targets.length);
  for (const [k, t] of targets.entries()) {
    t.amountPoisha = shares[k]!;
    const paid = kept.find((i) => i.seq === t.seq)?.paidPoisha ?? 0;
    if (paid > t.amountPoisha) return { ok: false, reason: `installment ${t.seq} already has ${paid} poisha paid, more than its new amount ${t.amountPoisha}` };
  }
  return {
    ok: true,
    open: targets,
    result: {
      principalPoisha: principal,
      serviceChargePoisha: charge,
      totalOwedPoisha: total,
      installmentCount: count,
      changedSeqs: kept.map((i) => i.seq),
      addedSeqs,
      removedSeqs: removed.map((i) => i.seq),
    },
  };
}

export function applyAmendment(s: LoanState, requestId: string, plan: { result: AmendResult; open: ScheduledInstallment[] }, at: EpochMs): void {
  s.installments = s.installments.filter((i) => !plan.result.removedSeqs.includes(i.seq));
  for (const t of plan.open) {
    let inst = s.installments.find((i) => i.seq === t.seq);
    if (!inst) {
      inst = { ...t, paidPoisha: 0, status: 'pending', paidAt: null, lateByMs: null, remindersSent: [] };
      s.installments.push(inst);
    }
    inst.amountPoisha = t.amountPoisha;
    if (inst.paidPoisha === inst.amountPoisha) {
      inst.status = 'paid';
      inst.paidAt = at;
      inst.lateByMs = Math.max(0, at - inst.dueAt);
    }
  }
  s.installments.sort((a, b) => a.seq - b.seq);
  s.input = { ...s.input, principalPoisha: plan.result.principalPoisha };
  s.serviceChargePoisha = plan.result.serviceChargePoisha;
  s.totalOwedPoisha = plan.result.totalOwedPoisha;
  s.amendments = { ...s.amendments, [requestId]: plan.result };
}
