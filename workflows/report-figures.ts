// Folds the collection report's pending day-figure changes into the figures every few seconds: one
// per deployment. Reports are exact without it (they read both); folding keeps them fast.
import { continueAsNew, proxyActivities, sleep } from '@temporalio/workflow';
import type { createActivities } from '../activities';

const acts = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

export const REPORT_FIGURES_WORKFLOW_ID = 'report-figures';

export async function reportFiguresWorkflow(opts: { everyMs: number }): Promise<void> {
  for (let round = 0; round < 500; round++) {
    await acts.foldReportDayChanges();
    await sleep(opts.everyMs);
  }
  await continueAsNew<typeof reportFiguresWorkflow>(opts);
}
