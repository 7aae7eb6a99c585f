// Workflows of which each deployment runs exactly one, started (or found running) when a worker starts.
import { ScheduleAlreadyRunning, WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { PAYMENT_DELIVERY_WORKFLOW_ID } from '../workflows/payment-delivery';
import { REPORT_FIGURES_WORKFLOW_ID } from '../workflows/report-figures';

export async function ensureSingletons(temporal: Client, taskQueue: string): Promise<void> {
  const singletons = [
    { type: 'paymentDeliveryWorkflow', workflowId: PAYMENT_DELIVERY_WORKFLOW_ID, args: [{ everyMs: 5_000, graceMs: 10_000 }] },
    { type: 'reportFiguresWorkflow', workflowId: REPORT_FIGURES_WORKFLOW_ID, args: [{ everyMs: 5_000 }] },
  ];
  for (const { type, workflowId, args } of singletons) {
    try {
      await temporal.workflow.start(type, { taskQueue, workflowId, args, workflowIdConflictPolicy: 'USE_EXISTING' });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
  }
}

export const QUARTERLY_SCHEDULE_ID = 'quarterly-society-lists';

/**
 * The quarterly active/inactive lists: a Temporal Schedule firing at 09:00 Dhaka (03:00 UTC) on the
 * first day of January, April, July and October. Created once; an existing schedule is left as is.
 */
export async function ensureQuarterlySchedule(temporal: Client, taskQueue: string): Promise<void> {
  try {
    await temporal.schedule.create({
      scheduleId: QUARTERLY_SCHEDULE_ID,
      spec: { calendars: [{ month: ['JANUARY', 'APRIL', 'JULY', 'OCTOBER'], dayOfMonth: 1, hour: 3, minute: 0 }] },
      action: { type: 'startWorkflow', workflowType: 'quarterlyListsWorkflow', taskQueue, args: [{}] },
      policies: { overlap: 'SKIP', catchupWindow: '7 days' },
    });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
}
