// Messages of the correction-request workflow, shared by the workflow, the API and tests.
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { CorrectionView, DecideRequest, FieldChange } from '../domain/corrections';

export const correctionWorkflowId = (requestId: string): string => `correction-${requestId}`;

/** An approver's decision on the current step: approve, reject (with comment) or return for changes. */
export const decideUpdate = defineUpdate<CorrectionView, [DecideRequest]>('decide');
/** The requester's new values after the request was returned; the chain starts again. */
export const reviseUpdate = defineUpdate<CorrectionView, [{ by: string; changes: FieldChange[]; comment: string }]>('revise');
/** The requester takes the request back. */
export const withdrawUpdate = defineUpdate<CorrectionView, [{ by: string; comment: string }]>('withdraw');
export const correctionViewQuery = defineQuery<CorrectionView>('view');
