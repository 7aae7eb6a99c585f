// Starting a notice's workflow, and starting again the ones a crash left unstarted: a notice is
// committed first, its workflow started after, so a stop in between is caught up at start-up.
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { Sql } from '../db/client';
import { noticeWorkflowId } from '../workflows/notice-definitions';

export async function startNoticeWorkflow(temporal: Client, taskQueue: string, noticeId: string): Promise<void> {
  try {
    await temporal.workflow.start('noticeWorkflow', { taskQueue, workflowId: noticeWorkflowId(noticeId), args: [{ noticeId }] });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}

/** Every notice still being delivered gets its workflow (a no-op for those already running). */
export async function resumeNotices(sql: Sql, temporal: Client, taskQueue: string): Promise<number> {
  const rows = await sql<{ id: string }[]>`SELECT id FROM notices WHERE status = 'delivering'`;
  for (const r of rows) await startNoticeWorkflow(temporal, taskQueue, r.id);
  return rows.length;
}
