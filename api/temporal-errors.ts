// Temporal failures become API errors here and nowhere else.
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApiError } from './errors';

export function translateTemporalError(err: unknown, what: string): never {
  if (err instanceof WorkflowUpdateFailedError) {
    const reason = (err.cause as Error | undefined)?.message ?? err.message;
    throw new ApiError('UNPROCESSABLE', `${what} refused: ${reason}`);
  }
  if (err instanceof WorkflowNotFoundError || (err as Error)?.name === 'WorkflowNotFoundError') {
    throw new ApiError('CONFLICT', `${what} refused: the loan's workflow has finished (the loan is closed)`);
  }
  throw err;
}
