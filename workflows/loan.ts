// One workflow per loan, for the loan's whole life: disbursement, reminders, deadlines, grace,
// default and blacklisting, payments, closing. Deterministic: time is the workflow's clock, policy
// arrives through activities, and every change is written through to PostgreSQL in order.
import {
  ApplicationFailure,
  ActivityFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  workflowInfo,
  type ActivityOptions,
  type LocalActivityOptions,
} from '@temporalio/workflow';
import type { createActivities } from '../activities';
import { disburse, duePriorPayment, loanEvent, receivePayment, scheduleMessageFields, settle, type EventFields } from '../domain/loan-changes';
import {
  applyAmendment,
  applyMoney,
  defaultFacts,
  dueReminders,
  initialState,
  isTerminal,
  mustHold,
  nextTimer,
  paidTotal,
  planAmendment,
  recordDecision,
  view,
  type LoanState,
} from '../domain/loan-state';
import { toDhakaDate } from '../domain/dhaka-time';
import type { LoanMessage, LoanStatus, LoanView, NextTimer, PaymentInput, PaymentResult, RuleRef } from '../domain/types';
import { amendUpdate, BUSINESS_FAILURES, closeUpdate, decideHeldPaymentUpdate, payUpdate, viewQuery, type LoanWorkflowArgs } from './loan-definitions';

/** Loan messages written with the change that sends them, not in activities of their own. */
const MESSAGES_IN_EVENTS = 'loan-messages-in-events';

/**
 * The loan's activities ran as local activities from this patch on: inside the workflow task that
 * makes the change, so a wake or a payment was one workflow task, not two. Runs begun under it,
 * and not yet under DURABLE_WRITES, keep them until their next continue-as-new.
 */
const LOCAL_ACTIVITIES = 'loan-local-activities';

/**
 * From this patch on, every write goes through an ordinary activity again; only the calls that
 * write nothing a retry could contradict (the rules' verdict, the disbursement, which answers with
 * what it stored first) stay local. A local activity runs before its workflow task is in the
 * history: when that task is lost (a Temporal server killed before it heard the completion), the
 * write stays in PostgreSQL while the change that made it is gone; the retried task hands the same
 * event number to a different change (a payment arriving in between), and the database keeps the
 * wrong one (CI, 2026-12-03: 1 of 243 payments left 'received' after the server's kill -9). An
 * ordinary activity is scheduled in the task that makes the change, so it runs only once that change
 * is history.
 */
const DURABLE_WRITES = 'loan-durable-writes';

const activityOptions: ActivityOptions & LocalActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', nonRetryableErrorTypes: [...BUSINESS_FAILURES] },
};
type LoanActivities = ReturnType<typeof createActivities>;
const remoteActs = proxyActivities<LoanActivities>(activityOptions);
const localActs = proxyLocalActivities<LoanActivities>(activityOptions);

export async function loanWorkflow(args: LoanWorkflowArgs): Promise<LoanView> {
  const state: LoanState = args.state ?? initialState(args.input);
  // An imported loan starts from the state the import computed: its first run, not a continuation.
  if (args.state && !args.imported) state.runs += 1;
  const loanId = state.input.loanId;
  const durableWrites = patched(DURABLE_WRITES);
  const acts = durableWrites || !patched(LOCAL_ACTIVITIES) ? remoteActs : localActs;
  /** For the calls a retried workflow task gets the same answer from: nothing a lost one leaves behind wrong. */
  const retrySafeActs = durableWrites ? localActs : acts;
  const dirty = new Set<number>();
  const removed: number[] = [];
  let changes = 0;
  let writes: Promise<unknown> = Promise.resolve();
  let pendingWrites = 0;
  /** SMS waiting for the change they belong to: written in the same activity and transaction. */
  const messages: LoanMessage[] = [];

  /** Queues a write; writes run one at a time, in the order the changes happened. */
  function enqueue<T>(write: () => Promise<T>): Promise<T> {
    pendingWrites += 1;
    const next = writes.then(write).finally(() => {
      pendingWrites -= 1;
    });
    writes = next.catch(() => undefined);
    return next;
  }

  function persist(fields: EventFields): Promise<void> {
    const record = loanEvent(state, fields, Date.now(), dirty, removed.splice(0));
    if (messages.length > 0) record.messages = messages.splice(0);
    dirty.clear();
    changes += 1;
    return enqueue(() => acts.persistLoanEvent(record));
  }

  /** Moves the loan to the status its installments imply, recording why; persists either way. */
  function settleStatus(fields: EventFields, reason: string, rule: RuleRef | null, facts: Record<string, unknown>): Promise<void> {
    return persist(settle(state, Date.now(), fields, reason, rule, facts));
  }

  /**
   * Schedule, receipts and warnings by SMS, each sent with the change that causes it. Added after
   * loans were already running, so behind patches: histories recorded before 'loan-messages-v1'
   * replay without these messages; those before 'loan-messages-in-events' queued each in an
   * activity of its own, later ones hand it to the next persist (one activity, one transaction).
   * Every caller persists the change right after, in the same step.
   */
  function message(template: LoanMessage['template'], key: string, fields: { amountPoisha: number; totalPoisha?: number; balancePoisha?: number; count?: number; date?: string }): void {
    if (!patched('loan-messages-v1')) return;
    const m = { loanId, loanCode: state.input.loanCode, borrowerId: state.input.borrowerId, template, key, at: Date.now(), ...fields };
    if (patched(MESSAGES_IN_EVENTS)) messages.push(m);
    else void enqueue(() => acts.queueLoanMessage(m));
  }

  /** Applies a payment the policy accepts: money to installments, status, write-through. */
  async function receive(p: PaymentInput): Promise<PaymentResult> {
    const { money, event, result } = receivePayment(state, p, Date.now());
    money.allocations.forEach((a) => dirty.add(a.seq));
    const receipt = () => message('payment_receipt', p.trxId, { amountPoisha: p.amountPoisha, balancePoisha: state.totalOwedPoisha - paidTotal(state) });
    // The receipt rides with the payment's own write; before the patch it followed in its own activity.
    const together = patched(MESSAGES_IN_EVENTS);
    if (together) receipt();
    const write = persist(event);
    if (!together) receipt();
    await write;
    return result;
  }

  function paymentResult(p: PaymentInput, outcome: PaymentResult['outcome'], money: Omit<PaymentResult, 'trxId' | 'outcome' | 'duplicate' | 'statusAfter'>): PaymentResult {
    return { trxId: p.trxId, outcome, duplicate: false, ...money, statusAfter: state.status };
  }

  setHandler(viewQuery, () => view(state, pendingWrites));

  setHandler(
    payUpdate,
    async (p) => {
      if (state.payments[p.trxId]) return { ...state.payments[p.trxId]!, duplicate: true };
      await condition(() => state.policy !== null || isTerminal(state.status));
      const seen = state.payments[p.trxId];
      if (seen) return { ...seen, duplicate: true };
      if (isTerminal(state.status)) throw ApplicationFailure.create({ type: 'LoanClosed', message: `loan is ${state.status}` });

      if (mustHold(state)) {
        state.held[p.trxId] = p;
        const result = paymentResult(p, 'held', { allocations: [], excessPoisha: 0, late: true });
        state.payments[p.trxId] = result;
        await persist({
          kind: 'payment_held',
          actor: p.recordedBy,
          rule: state.policy!.refs.lateAcceptance,
          facts: { lateAcceptance: 'hold', overdueInstallments: state.installments.filter((i) => i.status === 'overdue').map((i) => i.seq) },
          payment: { ...p, outcome: 'held', allocations: [], excessPoisha: 0, late: true },
        });
        return result;
      }

      return receive(p);
    },
    {
      validator: (p) => {
        if (typeof p?.trxId !== 'string' || !/^[A-Za-z0-9._:-]{1,64}$/.test(p.trxId)) {
          throw new Error('trxId must be 1–64 letters, digits or . _ : -');
        }
        if (p.loanId !== loanId) throw new Error(`payment is for loan ${String(p.loanId)}, not ${loanId}`);
        if (state.payments[p.trxId]) return; // a repeat is answered with the first result, not refused
        if (!Number.isSafeInteger(p.amountPoisha) || p.amountPoisha <= 0) throw new Error('amountPoisha must be a positive whole number');
        if (!Number.isFinite(p.paidAt) || p.paidAt <= 0) throw new Error('paidAt must be a time');
        if (typeof p.recordedBy !== 'string' || !p.recordedBy) throw new Error('recordedBy is required');
        if (isTerminal(state.status)) throw new Error(`loan is ${state.status}; it takes no more payments`);
      },
    },
  );

  setHandler(
    decideHeldPaymentUpdate,
    async (d) => {
      const p = state.held[d.trxId]!;
      delete state.held[d.trxId];
      if (!d.accept) {
        const result = { ...state.payments[d.trxId]!, outcome: 'held' as const, statusAfter: state.status };
        await persist({ kind: 'held_decided', actor: d.by, detail: { accept: false, note: d.note }, payment: { ...p, outcome: 'refunded', allocations: [], excessPoisha: 0, late: true } });
        return result;
      }
      const money = applyMoney(state, p);
      money.allocations.forEach((a) => dirty.add(a.seq));
      const write = settleStatus(
        { kind: 'held_decided', actor: d.by, detail: { accept: true, note: d.note }, payment: { ...p, outcome: 'applied', ...money } },
        `held payment accepted by ${d.by}`,
        null,
        { trxId: p.trxId, amountPoisha: p.amountPoisha },
      );
      const result = paymentResult(p, 'applied', money);
      state.payments[d.trxId] = result;
      await write;
      return result;
    },
    {
      validator: (d) => {
        if (!state.held[d?.trxId]) throw new Error(`no held payment ${String(d?.trxId)} on this loan`);
        if (!d.by || typeof d.note !== 'string') throw new Error('by and note are required');
      },
    },
  );

  setHandler(
    closeUpdate,
    async (req) => {
      const to: LoanStatus = req.kind === 'write_off' ? 'written_off' : 'cancelled';
      const from = state.status;
      recordDecision(state, Date.now(), to, req.reason, null, { outstandingPoisha: state.totalOwedPoisha - paidTotal(state) }, req.by);
      await persist({ kind: 'closed', actor: req.by, from, to, closedReason: req.reason, detail: { reason: req.reason } });
      return view(state, pendingWrites);
    },
    {
      validator: (req) => {
        if (req?.kind !== 'write_off' && req?.kind !== 'cancel') throw new Error('kind must be write_off or cancel');
        if (typeof req.reason !== 'string' || req.reason.trim().length < 5) throw new Error('a reason of at least 5 characters is required');
        if (typeof req.by !== 'string' || !req.by) throw new Error('by (the officer) is required');
        if (isTerminal(state.status)) throw new Error(`loan is already ${state.status}`);
      },
    },
  );

  setHandler(
    amendUpdate,
    async (req) => {
      if (state.amendments?.[req.requestId]) return view(state, pendingWrites);
      const plan = planAmendment(state, req);
      if (!plan.ok) throw ApplicationFailure.create({ type: 'AmendmentRefused', message: plan.reason });
      const before = { principalPoisha: state.input.principalPoisha, totalOwedPoisha: state.totalOwedPoisha, installmentCount: state.installments.length };
      applyAmendment(state, req.requestId, plan, Date.now());
      [...plan.result.changedSeqs, ...plan.result.addedSeqs].forEach((seq) => dirty.add(seq));
      removed.push(...plan.result.removedSeqs);
      await settleStatus(
        { kind: 'amended', actor: req.by, amounts: { principalPoisha: plan.result.principalPoisha, serviceChargePoisha: plan.result.serviceChargePoisha, totalOwedPoisha: plan.result.totalOwedPoisha }, detail: { requestId: req.requestId, before } },
        `amount owed corrected by request ${req.requestId}`,
        null,
        { before, after: plan.result },
      );
      return view(state, pendingWrites);
    },
    {
      validator: (req) => {
        if (typeof req?.requestId !== 'string' || !req.requestId || typeof req.by !== 'string' || !req.by) throw new Error('requestId and by are required');
        if (state.amendments?.[req.requestId]) return;
        if (isTerminal(state.status)) throw new Error(`loan is ${state.status}; its amount can no longer change`);
        if (req.principalPoisha === undefined && req.installmentCount === undefined) throw new Error('name a new principal or number of installments');
        const plan = planAmendment(state, req);
        if (!plan.ok) throw new Error(plan.reason);
      },
    },
  );

  // 1. Disbursement: policy resolved and pinned, schedule generated and stored.
  if (!state.policy && !isTerminal(state.status)) {
    try {
      // From patch MESSAGES_IN_EVENTS on, the schedule SMS is queued in the disbursement's transaction.
      const together = patched(MESSAGES_IN_EVENTS);
      const { policy, schedule } = await retrySafeActs.recordDisbursement(state.input, { scheduleMessage: together });
      disburse(state, policy, schedule, Date.now());
      changes += 1;
      if (!together) message('loan_schedule', 'disbursed', scheduleMessageFields(state));
    } catch (err) {
      // An activity's failure comes wrapped in an ActivityFailure; a local activity's, as it was thrown.
      const cause = err instanceof ActivityFailure ? err.cause : err;
      const failure = cause instanceof ApplicationFailure ? cause : null;
      if (!failure || !BUSINESS_FAILURES.includes(failure.type as never)) throw err;
      const from = state.status;
      recordDecision(state, Date.now(), 'cancelled', failure.message, null, {}, 'system');
      await persist({ kind: 'closed', actor: 'system', from, to: 'cancelled', closedReason: failure.message });
      return view(state);
    }
  }

  // 2. Life: wake for the next timer or any change, act, repeat until the loan is finished.
  while (!isTerminal(state.status)) {
    const info = workflowInfo();
    if (info.continueAsNewSuggested || (args.maxHistoryEvents && info.historyLength > args.maxHistoryEvents)) {
      // Both at the same instant: an update arriving while writes drain would otherwise be cut off.
      await condition(() => allHandlersFinished() && pendingWrites === 0);
      await continueAsNew<typeof loanWorkflow>({ input: state.input, state, maxHistoryEvents: args.maxHistoryEvents });
    }
    const next = nextTimer(state);
    const now = Date.now();
    const prior = duePriorPayment(state);
    if (prior) {
      await receive(prior);
      continue;
    }
    if (next && next.at <= now) {
      await act(next, now);
      continue;
    }
    const seen = changes;
    if (next) await condition(() => changes !== seen || isTerminal(state.status), next.at - now);
    else await condition(() => changes !== seen || isTerminal(state.status));
  }

  await condition(() => allHandlersFinished() && pendingWrites === 0);
  return view(state);

  async function act(next: NextTimer, now: number): Promise<void> {
    const policy = state.policy!;
    const inst = next.seq === null ? null : state.installments.find((i) => i.seq === next.seq)!;
    switch (next.kind) {
      case 'reminder': {
        const { send, skip } = dueReminders(state, inst!.seq, now);
        inst!.remindersSent.push(...skip, ...(send ? [send] : []));
        changes += 1;
        if (send) {
          const request = {
            loanId,
            loanCode: state.input.loanCode,
            borrowerId: state.input.borrowerId,
            seq: inst!.seq,
            reminder: send,
            dueAt: inst!.dueAt,
            dueDate: inst!.dueDate,
            amountDuePoisha: inst!.amountPoisha - inst!.paidPoisha,
            at: now,
          };
          void enqueue(() => acts.queueReminder(request));
        }
        return;
      }
      case 'deadline': {
        inst!.status = 'in_grace';
        dirty.add(inst!.seq);
        message('grace_warning', `seq-${inst!.seq}`, { amountPoisha: inst!.amountPoisha - inst!.paidPoisha, date: toDhakaDate(inst!.dueAt + policy.graceMs) });
        await settleStatus(
          { kind: 'installment', actor: `rule:${policy.refs.grace.rule}`, detail: { seq: inst!.seq } },
          `installment ${inst!.seq} unpaid at its deadline; grace until ${new Date(inst!.dueAt + policy.graceMs).toISOString()}`,
          policy.refs.grace,
          { seq: inst!.seq, dueAt: inst!.dueAt, remainingPoisha: inst!.amountPoisha - inst!.paidPoisha, graceMs: policy.graceMs, now },
        );
        return;
      }
      case 'grace_end': {
        inst!.status = 'overdue';
        dirty.add(inst!.seq);
        state.lastReviewAt = null; // examine the default rules right away
        await settleStatus(
          { kind: 'installment', actor: `rule:${policy.refs.grace.rule}`, detail: { seq: inst!.seq } },
          `installment ${inst!.seq} still unpaid when grace ended`,
          policy.refs.grace,
          { seq: inst!.seq, dueAt: inst!.dueAt, remainingPoisha: inst!.amountPoisha - inst!.paidPoisha, graceMs: policy.graceMs, now },
        );
        return;
      }
      case 'review': {
        const facts = defaultFacts(state, now);
        const result = await retrySafeActs.evaluateDefaultRules(facts);
        state.lastReviewAt = now;
        changes += 1;
        // A payment may have arrived while the rules ran; escalate only on money still overdue.
        const stillOverdue = state.installments.some((i) => i.status === 'overdue');
        if (!stillOverdue || !result.escalation || !result.rule) return;
        if (result.escalation === 'blacklist' && !state.blacklisted) {
          state.blacklisted = true;
          state.everBlacklisted = true;
          state.defaulted = true;
        } else if (result.escalation === 'default' && !state.defaulted && !state.blacklisted) {
          state.defaulted = true;
        } else {
          return;
        }
        const overdue = state.installments.filter((i) => i.status === 'overdue').reduce((t, i) => t + i.amountPoisha - i.paidPoisha, 0);
        message(result.escalation === 'blacklist' ? 'blacklist_notice' : 'default_warning', result.escalation, { amountPoisha: overdue });
        await settleStatus(
          { kind: 'status', actor: `rule:${result.rule.rule}`, ruleSetVersion: result.ruleSetVersion, blacklist: result.escalation === 'blacklist' ? 'list' : null, detail: { fired: result.fired } },
          result.reason ?? result.rule.rule,
          result.rule,
          result.facts,
        );
        return;
      }
    }
  }
}
