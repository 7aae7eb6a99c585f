// Starts the one SMS dispatcher of a deployment, or finds it already running.
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { SMS_DISPATCHER_WORKFLOW_ID, type SmsDispatcherArgs } from './dispatcher-definitions';

export async function ensureSmsDispatcher(temporal: Client, taskQueue: string, args: SmsDispatcherArgs = {}, workflowId = SMS_DISPATCHER_WORKFLOW_ID): Promise<void> {
  try {
    await temporal.workflow.start('smsDispatcherWorkflow', { taskQueue, workflowId, args: [args], workflowIdConflictPolicy: 'USE_EXISTING' });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}
