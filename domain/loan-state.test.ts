import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyMoney,
  arrearsAt,
  defaultFacts,
  deriveStatus,
  dueReminders,
  initialState,
  installSchedule,
  isTerminal,
  mustHold,
  nextTimer,
  outstanding,
  paidTotal,
  recordDecision,
  view,
  type LoanState, applyAmendment, planAmendment } from './loan-state';
import type { InstallmentState, LateAcceptance, LoanInput, LoanStatus, PaymentInput, ResolvedPolicy, ScheduledInstallment } from './types';

const SECOND = 1000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 11, 10, 11, 0); // 10 Dec 2026, 17:00 in Dhaka
const ref = { kind: 'test', rule: 'test', version: 'test+000000000000' };

function makePolicy(overrides: Partial<ResolvedPolicy> = {}): ResolvedPolicy {
  return {
    product: {
      code: 'ASH-STD',
      nameBn: 'আশ্রয়ণ সাধারণ ঋণ',
      nameEn: 'Ashrayan general loan',
      minPrincipalPoisha: 1,
      maxPrincipalPoisha: 100_000_000,
      serviceChargeBps: 500,
      installmentCount: 3,
      frequency: { every: 1, unit: 'month' },
    },
    deadline: { dueDayOfMonth: 10, closesAt: '17:00', weekendDays: [5, 6], shift: 'next', holidays: [] },
    reminders: [
      { name: 'seven-days-before', beforeMs: 7 * DAY },
      { name: 'one-day-before', beforeMs: DAY },
      { name: 'on-the-day', beforeMs: 8 * HOUR },
    ],
    graceMs: 15 * DAY,
    lateAcceptance: 'accept_late',
    reviewEveryMs: DAY,
    refs: { product: ref, deadline: ref, reminders: ref, grace: ref, lateAcceptance: ref },
    ruleSetVersion: 'rs+000000000000',
    ...overrides,
  };
}

const input: LoanInput = {
  loanId: 'loan-1',
  loanCode: 'KUR-0001',
  borrowerId: 'b-1',
  districtCode: 'KURIGRAM',
  upazilaCode: 'KURIGRAM-SADAR',
  productCode: 'ASH-STD',
  principalPoisha: 300_000,
  disbursedAt: T0 - 30 * DAY,
  disbursedBy: 'uco-1',
};

/** An active loan of equal monthly-ish installments, the first due at T0 and each 30 days later. */
function makeLoan(amounts: number[] = [105_000, 105_000, 105_000], policy: Partial<ResolvedPolicy> = {}): LoanState {
  const s = initialState(input);
  const installments: ScheduledInstallment[] = amounts.map((amountPoisha, i) => ({
    seq: i + 1,
    dueAt: T0 + i * 30 * DAY,
    dueDate: new Date(T0 + i * 30 * DAY + 6 * HOUR).toISOString().slice(0, 10),
    amountPoisha,
  }));
  const total = amounts.reduce((a, b) => a + b, 0);
  installSchedule(s, makePolicy(policy), { serviceChargePoisha: total - input.principalPoisha, totalOwedPoisha: total, installments });
  s.status = 'active';
  return s;
}

const inst = (s: LoanState, seq: number): InstallmentState => s.installments.find((i) => i.seq === seq)!;

let trx = 0;
const payment = (amountPoisha: number, paidAt: number): PaymentInput => ({
  loanId: input.loanId,
  trxId: `TRX-${++trx}`,
  amountPoisha,
  paidAt,
  provider: 'bkash',
  recordedBy: 'bkash-webhook',
});

describe('installSchedule', () => {
  it('starts every installment pending, unpaid and without reminders', () => {
    const s = makeLoan([100, 200]);
    expect(s.installments.map((i) => [i.status, i.paidPoisha, i.paidAt, i.lateByMs, i.remindersSent])).toEqual([
      ['pending', 0, null, null, []],
      ['pending', 0, null, null, []],
    ]);
    expect(s.totalOwedPoisha).toBe(300);
    expect(outstanding(s)).toBe(300);
    expect(s.policy?.ruleSetVersion).toBe('rs+000000000000');
  });
});

describe('applyMoney', () => {
  it('marks an installment paid on time with its payment time and no lateness', () => {
    const s = makeLoan();
    const r = applyMoney(s, payment(105_000, T0 - HOUR));
    expect(r).toEqual({ allocations: [{ seq: 1, amountPoisha: 105_000 }], excessPoisha: 0, late: false });
    expect(inst(s, 1)).toMatchObject({ status: 'paid', paidPoisha: 105_000, paidAt: T0 - HOUR, lateByMs: 0 });
    expect(inst(s, 2).status).toBe('pending');
    expect(s.latePaymentCount).toBe(0);
  });

  it('counts a payment exactly at the deadline as on time', () => {
    const s = makeLoan();
    expect(applyMoney(s, payment(105_000, T0)).late).toBe(false);
    expect(inst(s, 1).lateByMs).toBe(0);
  });

  it('leaves a partly paid installment in its status with no paid time', () => {
    const s = makeLoan();
    inst(s, 1).status = 'in_grace';
    applyMoney(s, payment(50_000, T0 + HOUR));
    expect(inst(s, 1)).toMatchObject({ status: 'in_grace', paidPoisha: 50_000, paidAt: null, lateByMs: null });
  });

  it('records how late an installment was finally paid and counts the late payment', () => {
    const s = makeLoan();
    inst(s, 1).status = 'overdue';
    const r = applyMoney(s, payment(105_000, T0 + 20 * DAY));
    expect(r.late).toBe(true);
    expect(inst(s, 1)).toMatchObject({ status: 'paid', lateByMs: 20 * DAY, paidAt: T0 + 20 * DAY });
    expect(s.latePaymentCount).toBe(1);
  });

  it('does not count late payments when the policy accepts them as usual', () => {
    const s = makeLoan(undefined, { lateAcceptance: 'accept' });
    const r = applyMoney(s, payment(105_000, T0 + DAY));
    expect(r.late).toBe(true);
    expect(s.latePaymentCount).toBe(0);
  });

  it.each<LateAcceptance>(['accept_late', 'hold'])('counts late payments under %s', (mode) => {
    const s = makeLoan(undefined, { lateAcceptance: mode });
    applyMoney(s, payment(1000, T0 + 1));
    expect(s.latePaymentCount).toBe(1);
  });

  it('counts one late payment once even when it covers several late installments', () => {
    const s = makeLoan();
    applyMoney(s, payment(210_000, T0 + 31 * DAY));
    expect(s.latePaymentCount).toBe(1);
    expect(s.installments.map((i) => i.lateByMs)).toEqual([31 * DAY, DAY, null]);
  });

  it('pays several installments with one payment and keeps the excess as credit', () => {
    const s = makeLoan([100_000, 100_000, 100_003]);
    const r = applyMoney(s, payment(350_000, T0 - DAY));
    expect(r.allocations).toEqual([
      { seq: 1, amountPoisha: 100_000 },
      { seq: 2, amountPoisha: 100_000 },
      { seq: 3, amountPoisha: 100_003 },
    ]);
    expect(r.excessPoisha).toBe(49_997);
    expect(s.creditPoisha).toBe(49_997);
    expect(paidTotal(s)).toBe(300_003);
    expect(outstanding(s)).toBe(0);
    expect(s.installments.every((i) => i.status === 'paid')).toBe(true);
  });

  it('clears the defaulted flag when the overdue money is paid', () => {
    const s = makeLoan();
    inst(s, 1).status = 'overdue';
    inst(s, 2).status = 'overdue';
    s.defaulted = true;
    applyMoney(s, payment(210_000, T0 + 70 * DAY));
    expect(s.defaulted).toBe(false);
    expect(deriveStatus(s)).toBe('active');
  });

  it('keeps the defaulted flag while any overdue money is left', () => {
    const s = makeLoan();
    inst(s, 1).status = 'overdue';
    inst(s, 2).status = 'overdue';
    s.defaulted = true;
    applyMoney(s, payment(150_000, T0 + 70 * DAY));
    expect(inst(s, 1).status).toBe('paid');
    expect(inst(s, 2).status).toBe('overdue');
    expect(s.defaulted).toBe(true);
    expect(deriveStatus(s)).toBe('defaulted');
  });

  it('lifts a blacklisting only when everything is paid, leaving the loan settled', () => {
    const s = makeLoan();
    for (const i of s.installments) i.status = 'overdue';
    s.defaulted = true;
    s.blacklisted = true;
    s.everBlacklisted = true;
    s.status = 'blacklisted';
    applyMoney(s, payment(210_000, T0 + 100 * DAY));
    expect(s.blacklisted).toBe(true);
    expect(deriveStatus(s)).toBe('blacklisted');
    applyMoney(s, payment(105_000, T0 + 101 * DAY));
    expect(s.blacklisted).toBe(false);
    expect(s.defaulted).toBe(false);
    expect(deriveStatus(s)).toBe('settled');
  });

  it('keeps every poisha of any sequence of payments, as paid installments or as credit', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 200_000 }), { minLength: 1, maxLength: 8 }),
        fc.array(fc.integer({ min: 1, max: 150_000 }), { minLength: 1, maxLength: 10 }),
        (amounts, payments) => {
          const s = makeLoan(amounts);
          const total = amounts.reduce((a, b) => a + b, 0);
          payments.forEach((amount, k) => applyMoney(s, payment(amount, T0 - DAY + k)));
          const paidIn = payments.reduce((a, b) => a + b, 0);
          expect(paidTotal(s) + s.creditPoisha).toBe(paidIn);
          expect(paidTotal(s)).toBe(Math.min(paidIn, total));
          for (const i of s.installments) {
            expect(i.paidPoisha).toBeLessThanOrEqual(i.amountPoisha);
            expect(i.status === 'paid').toBe(i.paidPoisha === i.amountPoisha);
          }
        },
      ),
    );
  });
});

describe('deriveStatus', () => {
  it.each<LoanStatus>(['disbursing', 'closed', 'settled', 'written_off', 'cancelled'])('keeps %s as it is', (status) => {
    const s = makeLoan();
    inst(s, 1).status = 'overdue';
    s.blacklisted = true;
    s.status = status;
    expect(deriveStatus(s)).toBe(status);
  });

  it('is active while nothing is late', () => {
    expect(deriveStatus(makeLoan())).toBe('active');
  });

  it('is in_grace when an installment is past its deadline but within grace', () => {
    const s = makeLoan();
    inst(s, 1).status = 'in_grace';
    expect(deriveStatus(s)).toBe('in_grace');
  });

  it('is overdue when any installment is overdue, even if another is only in grace', () => {
    const s = makeLoan();
    inst(s, 1).status = 'overdue';
    inst(s, 2).status = 'in_grace';
    expect(deriveStatus(s)).toBe('overdue');
  });

  it('is defaulted once the default rules escalated, over overdue', () => {
    const s = makeLoan();
    inst(s, 1).status = 'overdue';
    s.defaulted = true;
    expect(deriveStatus(s)).toBe('defaulted');
  });

  it('is blacklisted over defaulted', () => {
    const s = makeLoan();
    inst(s, 1).status = 'overdue';
    s.defaulted = true;
    s.blacklisted = true;
    expect(deriveStatus(s)).toBe('blacklisted');
  });

  it('is closed when every installment is paid', () => {
    const s = makeLoan();
    for (const i of s.installments) i.status = 'paid';
    expect(deriveStatus(s)).toBe('closed');
  });

  it('is settled, not closed, when a once-blacklisted loan is paid in full', () => {
    const s = makeLoan();
    for (const i of s.installments) i.status = 'paid';
    s.everBlacklisted = true;
    expect(deriveStatus(s)).toBe('settled');
  });
});

describe('arrearsAt', () => {
  const inst = (dueAt: number, amountPoisha: number, paidPoisha: number) => ({ dueAt, amountPoisha, paidPoisha });
  it('sums what is unpaid of the installments due by then, and holds until the next deadline after it', () => {
    const list = [inst(100, 1_000, 1_000), inst(200, 1_000, 300), inst(300, 1_000, 0), inst(400, 1_000, 0)];
    expect(arrearsAt(list, 99)).toEqual({ unpaidPoisha: 0, until: 100 });
    expect(arrearsAt(list, 200)).toEqual({ unpaidPoisha: 700, until: 300 }); // due exactly then counts
    expect(arrearsAt(list, 399)).toEqual({ unpaidPoisha: 1_700, until: 400 });
    expect(arrearsAt(list, 400)).toEqual({ unpaidPoisha: 2_700, until: null });
    expect(arrearsAt([], 0)).toEqual({ unpaidPoisha: 0, until: null });
  });
});

describe('isTerminal', () => {
  it('treats closed, settled, written_off and cancelled as final and nothing else', () => {
    const all: LoanStatus[] = ['disbursing', 'active', 'in_grace', 'overdue', 'defaulted', 'blacklisted', 'closed', 'settled', 'written_off', 'cancelled'];
    expect(all.filter(isTerminal)).toEqual(['closed', 'settled', 'written_off', 'cancelled']);
  });
});

describe('nextTimer', () => {
  it('is null before a policy is installed and once the loan is finished', () => {
    expect(nextTimer(initialState(input))).toBeNull();
    const s = makeLoan();
    s.status = 'closed';
    expect(nextTimer(s)).toBeNull();
  });

  it('starts with the earliest reminder of the first installment', () => {
    expect(nextTimer(makeLoan())).toMatchObject({ at: T0 - 7 * DAY, kind: 'reminder', seq: 1 });
  });

  it('skips reminders already sent and then waits for the deadline', () => {
    const s = makeLoan();
    inst(s, 1).remindersSent = ['seven-days-before', 'one-day-before'];
    expect(nextTimer(s)).toMatchObject({ at: T0 - 8 * HOUR, kind: 'reminder', seq: 1 });
    expect(nextTimer(s)!.why).toContain('on-the-day');
    inst(s, 1).remindersSent.push('on-the-day');
    expect(nextTimer(s)).toMatchObject({ at: T0, kind: 'deadline', seq: 1 });
  });

  it('fires an at-the-deadline reminder before the deadline itself', () => {
    const s = makeLoan(undefined, { reminders: [{ name: 'at-deadline', beforeMs: 0 }] });
    expect(nextTimer(s)).toMatchObject({ at: T0, kind: 'reminder', seq: 1 });
  });

  it('waits for the end of grace of an installment in grace', () => {
    const s = makeLoan(undefined, { reminders: [] });
    inst(s, 1).status = 'in_grace';
    expect(nextTimer(s)).toMatchObject({ at: T0 + 15 * DAY, kind: 'grace_end', seq: 1 });
  });

  it('re-examines an overdue loan one review period after the last review', () => {
    const s = makeLoan(undefined, { reminders: [] });
    inst(s, 1).status = 'overdue';
    s.lastReviewAt = T0 + 16 * DAY;
    expect(nextTimer(s)).toMatchObject({ at: T0 + 17 * DAY, kind: 'review', seq: null });
  });

  it('reviews an overdue loan at once when it was never reviewed', () => {
    const s = makeLoan(undefined, { reminders: [] });
    inst(s, 1).status = 'overdue';
    const t = nextTimer(s)!;
    expect(t.kind).toBe('review');
    expect(t.at).toBeLessThan(T0);
  });

  it('stops reviewing a blacklisted loan', () => {
    const s = makeLoan(undefined, { reminders: [] });
    inst(s, 1).status = 'overdue';
    s.blacklisted = true;
    expect(nextTimer(s)).toMatchObject({ kind: 'deadline', seq: 2, at: T0 + 30 * DAY });
  });

  it('ignores paid installments', () => {
    const s = makeLoan(undefined, { reminders: [] });
    inst(s, 1).status = 'paid';
    expect(nextTimer(s)).toMatchObject({ kind: 'deadline', seq: 2 });
    for (const i of s.installments) i.status = 'paid';
    expect(nextTimer(s)).toBeNull();
  });

  it('always proposes the earliest outstanding event, never a reminder already sent', () => {
    const statusArb = fc.constantFrom<InstallmentState['status']>('pending', 'in_grace', 'overdue', 'paid');
    const names = ['seven-days-before', 'one-day-before', 'on-the-day'];
    fc.assert(
      fc.property(
        fc.array(fc.record({ status: statusArb, sent: fc.subarray(names) }), { minLength: 1, maxLength: 6 }),
        fc.option(fc.integer({ min: 0, max: 200 }), { nil: null }),
        fc.boolean(),
        (rows, reviewDay, blacklisted) => {
          const s = makeLoan(rows.map(() => 1000));
          rows.forEach((r, k) => {
            s.installments[k]!.status = r.status;
            s.installments[k]!.remindersSent = r.sent;
          });
          s.lastReviewAt = reviewDay === null ? null : T0 + reviewDay * DAY;
          s.blacklisted = blacklisted;
          const t = nextTimer(s);
          // Independently list what is still to happen.
          const events: number[] = [];
          for (const i of s.installments) {
            if (i.status === 'pending') {
              events.push(i.dueAt);
              for (const r of s.policy!.reminders) if (!i.remindersSent.includes(r.name)) events.push(i.dueAt - r.beforeMs);
            }
            if (i.status === 'in_grace') events.push(i.dueAt + s.policy!.graceMs);
          }
          if (!blacklisted && s.installments.some((i) => i.status === 'overdue')) events.push((s.lastReviewAt ?? 0) + DAY);
          if (events.length === 0) {
            expect(t).toBeNull();
            return;
          }
          expect(t).not.toBeNull();
          expect(t!.at).toBe(Math.min(...events));
          if (t!.kind === 'reminder') {
            const i = inst(s, t!.seq!);
            expect(i.status).toBe('pending');
            expect(names.some((n) => !i.remindersSent.includes(n) && t!.why.includes(`"${n}"`))).toBe(true);
          }
        },
      ),
    );
  });
});

describe('dueReminders', () => {
  it('sends nothing before the first reminder time', () => {
    expect(dueReminders(makeLoan(), 1, T0 - 7 * DAY - 1)).toEqual({ send: null, skip: [] });
  });

  it('sends a reminder exactly at its time', () => {
    expect(dueReminders(makeLoan(), 1, T0 - 7 * DAY)).toEqual({ send: 'seven-days-before', skip: [] });
  });

  it('sends only the latest due reminder and skips the older ones', () => {
    expect(dueReminders(makeLoan(), 1, T0 - 12 * HOUR)).toEqual({ send: 'one-day-before', skip: ['seven-days-before'] });
    expect(dueReminders(makeLoan(), 1, T0 - HOUR)).toEqual({ send: 'on-the-day', skip: ['seven-days-before', 'one-day-before'] });
  });

  it('does not offer reminders that were already sent', () => {
    const s = makeLoan();
    inst(s, 1).remindersSent = ['seven-days-before'];
    expect(dueReminders(s, 1, T0 - 12 * HOUR)).toEqual({ send: 'one-day-before', skip: [] });
  });

  it('skips every stale reminder once the deadline has passed', () => {
    const s = makeLoan();
    inst(s, 1).remindersSent = ['seven-days-before'];
    expect(dueReminders(s, 1, T0 + 1)).toEqual({ send: null, skip: ['one-day-before', 'on-the-day'] });
  });

  it('still sends an at-the-deadline reminder at the deadline itself', () => {
    const s = makeLoan(undefined, { reminders: [{ name: 'two-seconds-before', beforeMs: 2 * SECOND }, { name: 'at-deadline', beforeMs: 0 }] });
    expect(dueReminders(s, 1, T0)).toEqual({ send: 'at-deadline', skip: ['two-seconds-before'] });
  });

  it('sends nothing for an installment that is not pending or does not exist', () => {
    const s = makeLoan();
    inst(s, 1).status = 'paid';
    expect(dueReminders(s, 1, T0 - HOUR)).toEqual({ send: null, skip: [] });
    expect(dueReminders(s, 99, T0 - HOUR)).toEqual({ send: null, skip: [] });
    expect(dueReminders(initialState(input), 1, T0)).toEqual({ send: null, skip: [] });
  });

  it('never sends more than one reminder and accounts for every unsent due one', () => {
    fc.assert(
      fc.property(fc.integer({ min: -10 * DAY, max: 2 * DAY }), fc.subarray(['seven-days-before', 'one-day-before', 'on-the-day']), (offset, sent) => {
        const s = makeLoan();
        inst(s, 1).remindersSent = [...sent];
        const now = T0 + offset;
        const { send, skip } = dueReminders(s, 1, now);
        const due = s.policy!.reminders.filter((r) => !sent.includes(r.name) && T0 - r.beforeMs <= now).map((r) => r.name);
        const handled = [...skip, ...(send ? [send] : [])];
        expect([...handled].sort()).toEqual([...due].sort());
        if (now > T0) expect(send).toBeNull();
        if (send) {
          const sendAt = T0 - s.policy!.reminders.find((r) => r.name === send)!.beforeMs;
          for (const name of skip) expect(T0 - s.policy!.reminders.find((r) => r.name === name)!.beforeMs).toBeLessThanOrEqual(sendAt);
        }
      }),
    );
  });
});

describe('defaultFacts', () => {
  it('counts missed installments, days past the oldest deadline and the overdue money', () => {
    const s = makeLoan();
    inst(s, 1).status = 'overdue';
    inst(s, 1).paidPoisha = 5_000;
    inst(s, 2).status = 'overdue';
    s.latePaymentCount = 2;
    s.status = 'overdue';
    const now = T0 + 40 * DAY + 12 * HOUR;
    expect(defaultFacts(s, now)).toEqual({
      missedInstallments: 2,
      daysPastDue: 40,
      msPastDue: 40 * DAY + 12 * HOUR,
      overdueAmountPoisha: 100_000 + 105_000,
      outstandingPoisha: 315_000 - 5_000,
      latePaymentCount: 2,
      status: 'overdue',
      districtCode: 'KURIGRAM',
      upazilaCode: 'KURIGRAM-SADAR',
      productCode: 'ASH-STD',
    });
  });

  it('is all zeros for a loan with nothing overdue', () => {
    const f = defaultFacts(makeLoan(), T0 + 100 * DAY);
    expect(f).toMatchObject({ missedInstallments: 0, daysPastDue: 0, msPastDue: 0, overdueAmountPoisha: 0, outstandingPoisha: 315_000 });
  });

  it('never reports a negative time past due', () => {
    const s = makeLoan();
    inst(s, 2).status = 'overdue';
    expect(defaultFacts(s, T0).msPastDue).toBe(0);
  });
});

describe('mustHold', () => {
  it('holds late money only under a hold policy while something is overdue', () => {
    const hold = makeLoan(undefined, { lateAcceptance: 'hold' });
    expect(mustHold(hold)).toBe(false);
    inst(hold, 1).status = 'in_grace';
    expect(mustHold(hold)).toBe(false);
    inst(hold, 1).status = 'overdue';
    expect(mustHold(hold)).toBe(true);
    const acceptLate = makeLoan();
    inst(acceptLate, 1).status = 'overdue';
    expect(mustHold(acceptLate)).toBe(false);
  });
});

describe('recordDecision', () => {
  it('records a change of status with its reason and rule', () => {
    const s = makeLoan();
    const rule = { kind: 'default', rule: 'default-two-missed-or-60-days', version: 'v+0' };
    const d = recordDecision(s, T0, 'defaulted', 'two installments missed', rule, { missedInstallments: 2 }, 'workflow');
    expect(d).toEqual({ at: T0, from: 'active', to: 'defaulted', reason: 'two installments missed', rule, facts: { missedInstallments: 2 }, actor: 'workflow' });
    expect(s.status).toBe('defaulted');
    expect(s.decisions).toEqual([d]);
  });

  it('records nothing when the status does not change', () => {
    const s = makeLoan();
    expect(recordDecision(s, T0, 'active', 'no change', null, {}, 'workflow')).toBeNull();
    expect(s.decisions).toEqual([]);
  });
});

describe('view', () => {
  it('summarises money, the next deadline and held payments', () => {
    const s = makeLoan();
    applyMoney(s, payment(150_000, T0 - DAY));
    s.held['HELD-1'] = payment(7_000, T0 + 50 * DAY);
    const v = view(s);
    expect(v).toMatchObject({
      loanId: 'loan-1',
      loanCode: 'KUR-0001',
      status: 'active',
      ruleSetVersion: 'rs+000000000000',
      totalOwedPoisha: 315_000,
      paidPoisha: 150_000,
      outstandingPoisha: 165_000,
      overduePoisha: 0,
      creditPoisha: 0,
      heldPoisha: 7_000,
      nextDeadline: { seq: 2, dueAt: T0 + 30 * DAY, remainingPoisha: 60_000 },
    });
    expect(v.nextTimer).toEqual(nextTimer(s));
  });

  it('has no next deadline once everything is paid', () => {
    const s = makeLoan();
    applyMoney(s, payment(315_000, T0 - DAY));
    expect(view(s).nextDeadline).toBeNull();
  });
});

describe('planAmendment and applyAmendment (principal corrections)', () => {
  it('keeps paid installments exactly and spreads the new amount owed over the open ones, for any payments and principal', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 315_000 }), fc.integer({ min: 1_000, max: 5_000_000 }), (paid, principal) => {
        const s = makeLoan();
        if (paid > 0) applyMoney(s, payment(paid, T0 - DAY));
        const before = s.installments.map((i) => ({ ...i }));
        const plan = planAmendment(s, { principalPoisha: principal });
        const total = principal + Math.floor((principal * 500 + 5000) / 10_000);
        if (!plan.ok) {
          // Refused only when an open installment already holds more than its new share, or all is paid.
          expect(plan.reason).toMatch(/already|less than|every installment/);
          return;
        }
        applyAmendment(s, 'req-1', plan, T0);
        expect(s.totalOwedPoisha).toBe(total);
        expect(s.installments.reduce((t, i) => t + i.amountPoisha, 0)).toBe(total);
        for (const [k, b] of before.entries()) {
          if (b.status === 'paid') expect(s.installments[k]).toEqual(b);
          expect(s.installments[k]!.paidPoisha).toBe(b.paidPoisha);
          expect(s.installments[k]!.paidPoisha).toBeLessThanOrEqual(s.installments[k]!.amountPoisha);
        }
      }),
    );
  });

  it('adds installments on the schedule when the count grows, and drops unpaid ones when it shrinks', () => {
    const s = makeLoan();
    applyMoney(s, payment(105_000, T0 - DAY));
    const longer = planAmendment(s, { installmentCount: 5 });
    if (!longer.ok) throw new Error(longer.reason);
    expect(longer.result).toMatchObject({ installmentCount: 5, addedSeqs: [4, 5], removedSeqs: [], changedSeqs: [2, 3] });
    applyAmendment(s, 'req-more', longer, T0);
    expect(s.installments.map((i) => i.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(s.installments[0]).toMatchObject({ amountPoisha: 105_000, status: 'paid' });
    expect(s.installments.reduce((t, i) => t + i.amountPoisha, 0)).toBe(s.totalOwedPoisha);
    expect(s.installments[4]!.dueAt).toBeGreaterThan(s.installments[3]!.dueAt);
    const shorter = planAmendment(s, { installmentCount: 2 });
    if (!shorter.ok) throw new Error(shorter.reason);
    applyAmendment(s, 'req-fewer', shorter, T0);
    expect(s.installments.map((i) => [i.seq, i.amountPoisha])).toEqual([[1, 105_000], [2, 210_000]]);
    expect(planAmendment(s, { installmentCount: 1 })).toMatchObject({ ok: false });
  });

  it('refuses a principal that would leave an open installment holding more than it owes', () => {
    const s = makeLoan();
    applyMoney(s, payment(150_000, T0 - DAY)); // 105 000 + 45 000 towards installment 2
    const plan = planAmendment(s, { principalPoisha: 100_000 }); // 105 000 owed in all: 0 left for installments 2 and 3
    expect(plan.ok).toBe(false);
  });
});
