import type { Allocation, Poisha } from './types';

export interface Owing {
  seq: number;
  amountPoisha: Poisha;
  paidPoisha: Poisha;
}

/**
 * Applies a payment to the oldest unpaid installments first. Whatever is left after every
 * installment is paid is returned as excess (kept as the borrower's credit).
 */
export function allocatePayment(installments: readonly Owing[], amount: Poisha): { allocations: Allocation[]; excessPoisha: Poisha } {
  if (!Number.isSafeInteger(amount) || amount <= 0) throw new RangeError(`payment must be a positive whole number of poisha, got ${amount}`);
  let left = amount;
  const allocations: Allocation[] = [];
  const ordered = [...installments].sort((a, b) => a.seq - b.seq);
  for (const inst of ordered) {
    if (left === 0) break;
    const owed = inst.amountPoisha - inst.paidPoisha;
    if (owed <= 0) continue;
    const take = Math.min(owed, left);
    allocations.push({ seq: inst.seq, amountPoisha: take });
    left -= take;
  }
  return { allocations, excessPoisha: left };
}
