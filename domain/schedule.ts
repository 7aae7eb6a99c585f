import { addDays, addMonths, dhakaInstant, shiftToBusinessDay, toDhakaDate } from './dhaka-time';
import { assertPoisha, serviceCharge, splitEvenly } from './money';
import type { EpochMs, Poisha, ResolvedPolicy, ScheduledInstallment } from './types';

const SUB_DAY_MS = { hour: 3_600_000, minute: 60_000, second: 1000 } as const;

export interface Schedule {
  serviceChargePoisha: Poisha;
  totalOwedPoisha: Poisha;
  installments: ScheduledInstallment[];
}

export function checkPrincipal(principal: Poisha, policy: Pick<ResolvedPolicy, 'product'>): string | null {
  const { product } = policy;
  if (!Number.isSafeInteger(principal) || principal <= 0) return 'principal must be a positive whole number of poisha';
  if (principal < product.minPrincipalPoisha || principal > product.maxPrincipalPoisha) {
    return `principal ${principal} poisha is outside product ${product.code}'s limits ${product.minPrincipalPoisha}–${product.maxPrincipalPoisha}`;
  }
  return null;
}

/**
 * The installment schedule of a loan: principal plus service charge split into equal whole-poisha
 * installments, the rounding remainder on the last one, so the installments always add up to the
 * amount owed. Day-based deadlines fall on the policy's due day, moved off weekends and holidays,
 * and close at the policy's local time; sub-day units (used by tests and demos) are plain offsets.
 */
export function generateSchedule(principal: Poisha, disbursedAt: EpochMs, policy: ResolvedPolicy): Schedule {
  assertPoisha(principal, 'principal');
  const { product, deadline } = policy;
  const charge = serviceCharge(principal, product.serviceChargeBps);
  const total = principal + charge;
  const amounts = splitEvenly(total, product.installmentCount);
  const holidays = new Set(deadline.holidays);
  const { every, unit } = product.frequency;
  const start = toDhakaDate(disbursedAt);

  const installments = amounts.map((amountPoisha, i): ScheduledInstallment => {
    const n = i + 1;
    if (unit === 'hour' || unit === 'minute' || unit === 'second') {
      const dueAt = disbursedAt + n * every * SUB_DAY_MS[unit];
      return { seq: n, dueDate: toDhakaDate(dueAt), dueAt, amountPoisha };
    }
    const nominal =
      unit === 'month'
        ? addMonths(start, n * every, deadline.dueDayOfMonth ?? undefined)
        : addDays(start, n * every * (unit === 'week' ? 7 : 1));
    let dueDate = shiftToBusinessDay(nominal, deadline.shift, deadline.weekendDays, holidays);
    // Shifting back must never put a deadline on or before the disbursement day.
    if (dueDate <= start) dueDate = shiftToBusinessDay(addDays(start, 1), 'next', deadline.weekendDays, holidays);
    return { seq: n, dueDate, dueAt: dhakaInstant(dueDate, deadline.closesAt), amountPoisha };
  });

  return { serviceChargePoisha: charge, totalOwedPoisha: total, installments };
}
