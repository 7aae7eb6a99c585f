import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocatePayment, type Owing } from './allocation';

const owing = (amounts: number[], paid: number[] = []): Owing[] => amounts.map((amountPoisha, i) => ({ seq: i + 1, amountPoisha, paidPoisha: paid[i] ?? 0 }));

describe('allocatePayment', () => {
  it('puts a partial payment on the oldest unpaid installment', () => {
    expect(allocatePayment(owing([1000, 1000, 1000]), 400)).toEqual({ allocations: [{ seq: 1, amountPoisha: 400 }], excessPoisha: 0 });
  });

  it('finishes a partly paid installment before touching the next one', () => {
    const result = allocatePayment(owing([1000, 1000, 1000], [400]), 900);
    expect(result).toEqual({
      allocations: [
        { seq: 1, amountPoisha: 600 },
        { seq: 2, amountPoisha: 300 },
      ],
      excessPoisha: 0,
    });
  });

  it('covers several installments with one payment', () => {
    const result = allocatePayment(owing([1000, 1000, 1005]), 3005);
    expect(result).toEqual({
      allocations: [
        { seq: 1, amountPoisha: 1000 },
        { seq: 2, amountPoisha: 1000 },
        { seq: 3, amountPoisha: 1005 },
      ],
      excessPoisha: 0,
    });
  });

  it('skips installments already paid', () => {
    expect(allocatePayment(owing([1000, 1000, 1000], [1000, 1000]), 500).allocations).toEqual([{ seq: 3, amountPoisha: 500 }]);
  });

  it('keeps what is left after every installment is paid as excess', () => {
    expect(allocatePayment(owing([1000, 1000], [1000, 700]), 500)).toEqual({ allocations: [{ seq: 2, amountPoisha: 300 }], excessPoisha: 200 });
  });

  it('returns the whole payment as excess when nothing is owed', () => {
    expect(allocatePayment(owing([1000], [1000]), 250)).toEqual({ allocations: [], excessPoisha: 250 });
    expect(allocatePayment([], 250)).toEqual({ allocations: [], excessPoisha: 250 });
  });

  it('orders by installment number even when given out of order', () => {
    const shuffled: Owing[] = [
      { seq: 3, amountPoisha: 1000, paidPoisha: 0 },
      { seq: 1, amountPoisha: 1000, paidPoisha: 0 },
      { seq: 2, amountPoisha: 1000, paidPoisha: 0 },
    ];
    expect(allocatePayment(shuffled, 1500).allocations).toEqual([
      { seq: 1, amountPoisha: 1000 },
      { seq: 2, amountPoisha: 500 },
    ]);
  });

  it('does not change the installments it is given', () => {
    const list = owing([1000, 1000], [200]);
    const copy = structuredClone(list);
    allocatePayment(list, 1500);
    expect(list).toEqual(copy);
  });

  it.each([0, -100, 10.5, Number.NaN])('refuses a payment of %s', (amount) => {
    expect(() => allocatePayment(owing([1000]), amount)).toThrow(/payment must be a positive whole number of poisha/);
  });

  const scheduleArb = fc
    .array(fc.record({ amount: fc.integer({ min: 1, max: 1_000_000 }), paidShare: fc.double({ min: 0, max: 1, noNaN: true }) }), { minLength: 0, maxLength: 40 })
    .map((rows) => rows.map((r, i): Owing => ({ seq: i + 1, amountPoisha: r.amount, paidPoisha: Math.floor(r.amount * r.paidShare) })));
  const shuffledArb = scheduleArb.chain((list) => fc.shuffledSubarray(list, { minLength: list.length, maxLength: list.length }));

  it('accounts for every poisha: allocations plus excess equal the payment', () => {
    fc.assert(
      fc.property(shuffledArb, fc.integer({ min: 1, max: 50_000_000 }), (list, amount) => {
        const { allocations, excessPoisha } = allocatePayment(list, amount);
        expect(allocations.reduce((t, a) => t + a.amountPoisha, 0) + excessPoisha).toBe(amount);
        expect(excessPoisha).toBeGreaterThanOrEqual(0);
      }),
    );
  });

  it('never gives an installment more than it still owes, and never a zero allocation', () => {
    fc.assert(
      fc.property(shuffledArb, fc.integer({ min: 1, max: 50_000_000 }), (list, amount) => {
        const bySeq = new Map(list.map((i) => [i.seq, i]));
        const { allocations } = allocatePayment(list, amount);
        const seen = new Set<number>();
        for (const a of allocations) {
          const inst = bySeq.get(a.seq)!;
          expect(inst).toBeDefined();
          expect(seen.has(a.seq)).toBe(false);
          seen.add(a.seq);
          expect(a.amountPoisha).toBeGreaterThan(0);
          expect(a.amountPoisha).toBeLessThanOrEqual(inst.amountPoisha - inst.paidPoisha);
        }
      }),
    );
  });

  it('pays the oldest first: every earlier installment is settled before a later one gets money', () => {
    fc.assert(
      fc.property(shuffledArb, fc.integer({ min: 1, max: 50_000_000 }), (list, amount) => {
        const { allocations, excessPoisha } = allocatePayment(list, amount);
        const given = new Map(allocations.map((a) => [a.seq, a.amountPoisha]));
        const after = [...list]
          .sort((a, b) => a.seq - b.seq)
          .map((i) => ({ seq: i.seq, left: i.amountPoisha - i.paidPoisha - (given.get(i.seq) ?? 0) }));
        // Allocations come in installment order.
        const seqs = allocations.map((a) => a.seq);
        expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
        // Once some installment is still owed money, nothing later received any.
        const firstOwing = after.findIndex((i) => i.left > 0);
        if (firstOwing >= 0) {
          for (const later of after.slice(firstOwing + 1)) expect(given.has(later.seq)).toBe(false);
          expect(excessPoisha).toBe(0);
        } else {
          // Everything is paid: whatever was not needed is excess.
          const owed = list.reduce((t, i) => t + i.amountPoisha - i.paidPoisha, 0);
          expect(excessPoisha).toBe(Math.max(0, amount - owed));
        }
      }),
    );
  });
});
