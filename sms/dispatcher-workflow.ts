// The SMS dispatcher: one per deployment (id sms-dispatcher). It claims due outbox rows, sends
// them through the provider at the provider's rate, puts back rows a dead worker left behind, and
// sleeps until the next row falls due. Deterministic: only workflow time, timers and activities.
import { condition, continueAsNew, proxyActivities, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import type { SmsActivities } from './activities';
import { smsWakeSignal, type SmsDispatcherArgs } from './dispatcher-definitions';

const acts = proxyActivities<SmsActivities>({
  // Longer than the provider client's time-out; a retry finds the row's lease and waits it out.
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', nonRetryableErrorTypes: ['OutboxRowMissing'] },
});

const ROUNDS_PER_RUN = 2_000;

export async function smsDispatcherWorkflow(args: SmsDispatcherArgs = {}): Promise<void> {
  const batchSize = args.batchSize ?? 50;
  const pollMs = args.pollMs ?? 5_000;
  const stuckAfterMs = args.stuckAfterMs ?? 5 * 60_000;
  const releaseEveryMs = args.releaseEveryMs ?? 60_000;
  let lastReleaseAt = args.lastReleaseAt ?? 0;
  let woken = false;
  setHandler(smsWakeSignal, () => {
    woken = true;
  });

  // Start of the current one-second window and how many sends it has had: at most `rate` per second.
  let windowStart = 0;
  let inWindow = 0;

  for (let round = 0; round < ROUNDS_PER_RUN; round++) {
    if (Date.now() - lastReleaseAt >= releaseEveryMs) {
      await acts.releaseStuck(stuckAfterMs);
      lastReleaseAt = Date.now();
    }
    const batch = await acts.claimDueMessages(batchSize);
    const rate = Math.max(1, Math.floor(batch.ratePerSecond));
    let i = 0;
    while (i < batch.ids.length) {
      if (Date.now() - windowStart >= 1_000) {
        windowStart = Date.now();
        inWindow = 0;
      }
      if (inWindow >= rate) {
        await sleep(Math.max(1, windowStart + 1_000 - Date.now()));
        continue;
      }
      const chunk = batch.ids.slice(i, i + (rate - inWindow));
      i += chunk.length;
      inWindow += chunk.length;
      // Each send records its own outcome; one message's trouble never stops the others.
      await Promise.allSettled(chunk.map((id) => acts.sendOne(id)));
    }
    if (workflowInfo().continueAsNewSuggested) break;
    if (batch.ids.length >= batchSize) continue; // more may be due right now
    const untilDue = batch.nextDueAt === null ? pollMs : batch.nextDueAt - Date.now();
    const wait = Math.min(pollMs, Math.max(0, untilDue));
    woken = false;
    if (wait > 0) await condition(() => woken, wait);
  }
  await continueAsNew<typeof smsDispatcherWorkflow>({ ...args, lastReleaseAt });
}
