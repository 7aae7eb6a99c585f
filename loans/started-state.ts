// The state a loan's workflow was started with, read from its history's first event. An imported
// loan's workflow sleeps until its next timer (import/start-workflows.ts) and answers no query
// before its first task; this is what it holds until then.
import type { Client } from '@temporalio/client';
import type { LoanState } from '../domain/loan-state';
import { loanWorkflowId, type LoanWorkflowArgs } from '../workflows/loan-definitions';

export async function startedLoanState(temporal: Client, loanId: string): Promise<LoanState> {
  const history = await temporal.workflow.getHandle(loanWorkflowId(loanId)).fetchHistory();
  const input = history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!;
  const args = temporal.options.loadedDataConverter.payloadConverter.fromPayload<LoanWorkflowArgs>(input);
  if (!args.state) throw new Error(`loan ${loanId}'s workflow was started from its input alone, not from a state`);
  return args.state;
}
