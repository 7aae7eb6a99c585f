import { describe, expect, it } from 'vitest';
import { DeliveryQueue } from './delivery-queue';

/** A delivery that finishes when the test says so. */
function gate() {
  const started: string[] = [];
  const release = new Map<string, () => void>();
  const deliver = (id: string) =>
    new Promise<void>((resolve, reject) => {
      started.push(id);
      release.set(id, () => (id.startsWith('bad') ? reject(new Error(`refused ${id}`)) : resolve()));
    });
  const finish = async (id: string) => {
    release.get(id)!();
    await new Promise((r) => setImmediate(r));
  };
  return { started, deliver, finish };
}

describe('the delivery queue', () => {
  it('runs at most `concurrency` deliveries at once and starts the next as one ends, in order', async () => {
    const g = gate();
    const q = new DeliveryQueue(g.deliver, { concurrency: 2, maxWaiting: 10 });
    for (const id of ['a', 'b', 'c', 'd']) expect(q.offer(id)).toBe(true);
    expect(g.started).toEqual(['a', 'b']);
    expect(q.size).toEqual({ active: 2, waiting: 2 });
    await g.finish('b');
    expect(g.started).toEqual(['a', 'b', 'c']);
    await g.finish('a');
    await g.finish('c');
    await g.finish('d');
    await q.drained();
    expect(g.started).toEqual(['a', 'b', 'c', 'd']);
    expect(q.size).toEqual({ active: 0, waiting: 0 });
  });

  it('leaves deliveries beyond its waiting room to the sweeper and counts them', async () => {
    const g = gate();
    const q = new DeliveryQueue(g.deliver, { concurrency: 1, maxWaiting: 1 });
    expect(q.offer('a')).toBe(true);
    expect(q.offer('b')).toBe(true);
    expect(q.offer('c')).toBe(false);
    expect(q.overflowed).toBe(1);
    await g.finish('a');
    await g.finish('b');
    await q.drained();
    expect(g.started).toEqual(['a', 'b']);
  });

  it('reports a failed delivery and goes on with the next', async () => {
    const g = gate();
    const errors: string[] = [];
    const q = new DeliveryQueue(g.deliver, { concurrency: 1, onError: (id, err) => errors.push(`${id}: ${(err as Error).message}`) });
    q.offer('bad-1');
    q.offer('ok-2');
    await g.finish('bad-1');
    await g.finish('ok-2');
    await q.drained();
    expect(errors).toEqual(['bad-1: refused bad-1']);
    expect(g.started).toEqual(['bad-1', 'ok-2']);
  });
});
