import { Context } from '@temporalio/activity';
import { deliverPending } from '../payments/receive-payment';
import type { ActivityDeps } from '.';

/** How often a sweep says it is alive; the workflow's heartbeat timeout is a few of these. */
export const SWEEP_HEARTBEAT_MS = 5_000;

export function createPaymentDeliveryActivities({ sql, temporal }: ActivityDeps) {
  return {
    /**
     * Stored payments older than `olderThanMs` (left alone that long so the fast path can finish) go
     * to their loans. It heartbeats while it runs, so a sweep lost with its worker (kill -9) is
     * retried on another within the heartbeat timeout, not after the whole start-to-close timeout.
     */
    async deliverPendingPayments(opts: { olderThanMs: number }): Promise<{ delivered: number; failed: number }> {
      if (!temporal) throw new Error('the worker has no Temporal client for delivering payments');
      const ctx = Context.current();
      const beat = setInterval(() => ctx.heartbeat(), SWEEP_HEARTBEAT_MS);
      try {
        return await deliverPending(sql, temporal, { olderThanMs: opts.olderThanMs });
      } finally {
        clearInterval(beat);
      }
    },
  };
}
