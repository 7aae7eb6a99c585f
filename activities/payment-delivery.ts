import { deliverPending } from '../payments/receive-payment';
import type { ActivityDeps } from '.';

export function createPaymentDeliveryActivities({ sql, temporal }: ActivityDeps) {
  return {
    /** Stored payments older than `olderThanMs` (left alone that long so the fast path can finish) go to their loans. */
    async deliverPendingPayments(opts: { olderThanMs: number }): Promise<{ delivered: number; failed: number }> {
      if (!temporal) throw new Error('the worker has no Temporal client for delivering payments');
      return deliverPending(sql, temporal, { olderThanMs: opts.olderThanMs });
    },
  };
}
