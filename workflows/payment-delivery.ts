// The delivery sweeper: one per deployment. Every few seconds it delivers stored payments that have
// not reached their loan's workflow (the process that stored them died, or the loan was busy).
import { continueAsNew, proxyActivities, sleep } from '@temporalio/workflow';
import type { createActivities } from '../activities';

// The sweep heartbeats after each payment it settles (each waits at most 15 s): one whose worker
// died, or that is stuck on a call that never answers, is retried after 20 s, not 2 minutes.
const acts = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '20 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

export const PAYMENT_DELIVERY_WORKFLOW_ID = 'payment-delivery';

export async function paymentDeliveryWorkflow(opts: { everyMs: number; graceMs: number }): Promise<void> {
  for (let round = 0; round < 500; round++) {
    await acts.deliverPendingPayments({ olderThanMs: opts.graceMs });
    await sleep(opts.everyMs);
  }
  await continueAsNew<typeof paymentDeliveryWorkflow>(opts);
}
