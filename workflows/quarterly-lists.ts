// Started by a Temporal Schedule at the start of each quarter (worker/singletons.ts): the list of
// active and inactive societies of every upazila for the quarter that just ended.
import { proxyActivities } from '@temporalio/workflow';
import type { createQuarterlyActivities } from '../activities/quarterly-lists';

const acts = proxyActivities<ReturnType<typeof createQuarterlyActivities>>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

const DHAKA_OFFSET_MS = 6 * 3_600_000;

/** "2026-Q4" for the quarter before the one containing `at` (Dhaka time). */
export function previousQuarter(at: number): string {
  const d = new Date(at + DHAKA_OFFSET_MS);
  const q = Math.floor(d.getUTCMonth() / 3);
  return q === 0 ? `${d.getUTCFullYear() - 1}-Q4` : `${d.getUTCFullYear()}-Q${q}`;
}

export async function quarterlyListsWorkflow(args: { quarter?: string } = {}) {
  const quarter = args.quarter ?? previousQuarter(Date.now());
  const asOf = Date.now();
  const results = [];
  for (const officeId of await acts.listUpazilas()) results.push(await acts.produceQuarterlyList({ officeId, quarter, asOf }));
  return { quarter, results };
}
