// The dispatcher's id, arguments and signal, shared by the workflow and whoever starts or nudges it.
import { defineSignal } from '@temporalio/workflow';

export const SMS_DISPATCHER_WORKFLOW_ID = 'sms-dispatcher';

export interface SmsDispatcherArgs {
  /** Rows claimed per round. */
  batchSize?: number;
  /** Longest sleep between rounds when nothing is due sooner. */
  pollMs?: number;
  /** A row in 'sending' older than this is taken to belong to a dead worker. */
  stuckAfterMs?: number;
  releaseEveryMs?: number;
  /** Carried across continue-as-new. */
  lastReleaseAt?: number;
}

/** Something was just queued: look now instead of at the end of the poll interval. */
export const smsWakeSignal = defineSignal('smsWake');
