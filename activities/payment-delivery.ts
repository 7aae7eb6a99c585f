import { Context } from '@temporalio/activity';
import { deliverPending } from '../payments/receive-payment';
import type { ActivityDeps } from '.';

export function createPaymentDeliveryActivities({ sql, temporal }: ActivityDeps) {
  return {
    /**
     * Stored payments older than `olderThanMs` (left alone that long so the fast path can finish) go
     * to their loans. It heartbeats as it makes progress (after its query, after each payment), not
     * on a timer: a sweep lost with its worker (kill -9), or stuck on a query that never answers (a
     * PostgreSQL restarted under it), is retried within the heartbeat timeout instead of hiding
     * behind a timer's heartbeats until the whole start-to-close timeout.
     */
    async deliverPendingPayments(opts: { olderThanMs: number }): Promise<{ delivered: number; failed: number }> {
      if (!temporal) throw new Error('the worker has no Temporal client for delivering payments');
      const ctx = Context.current();
      return deliverPending(sql, temporal, { olderThanMs: opts.olderThanMs, onProgress: () => ctx.heartbeat() });
    },
  };
}
