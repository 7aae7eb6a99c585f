// Messages of the notice-delivery workflow, shared by the workflow, the API and tests.
import { defineQuery } from '@temporalio/workflow';

export const noticeWorkflowId = (noticeId: string): string => `notice-${noticeId}`;

export interface NoticeWorkflowArgs {
  noticeId: string;
}

export type NoticeStage = 'preparing' | 'waiting_for_fallback' | 'sms_fallback' | 'waiting_for_reminder' | 'following' | 'done';

export interface NoticeWorkflowView {
  stage: NoticeStage;
  recipients: number | null;
  /** When the next step is due (epoch ms), and which. */
  next: { at: number; step: 'sms_fallback' | 'reminder' | 'finish' } | null;
}

export const noticeViewQuery = defineQuery<NoticeWorkflowView>('view');
