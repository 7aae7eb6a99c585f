// Workflows of which each deployment runs exactly one, started (or found running) when a worker starts.
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { PAYMENT_DELIVERY_WORKFLOW_ID } from '../workflows/payment-delivery';

export async function ensureSingletons(temporal: Client, taskQueue: string): Promise<void> {
  try {
    await temporal.workflow.start('paymentDeliveryWorkflow', {
      taskQueue,
      workflowId: PAYMENT_DELIVERY_WORKFLOW_ID,
      args: [{ everyMs: 5_000, graceMs: 10_000 }],
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}
