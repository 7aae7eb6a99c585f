// One workflow per notice: in the app at once, WhatsApp to members who opted in, SMS to whoever has
// not got it when the rules' fallback time passes (weak village internet), a reminder before the
// event date, then the tally. Timers are durable: a restart anywhere loses no step.
import { proxyActivities, setHandler, sleep } from '@temporalio/workflow';
import type { createNoticeActivities } from '../activities/notices';
import { noticeViewQuery, type NoticeWorkflowArgs, type NoticeWorkflowView } from './notice-definitions';

const acts = proxyActivities<ReturnType<typeof createNoticeActivities>>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', nonRetryableErrorTypes: ['NoticeNotFound'] },
});
/** WhatsApp is tried for a while, not for ever: whoever it has not reached by the fallback gets SMS anyway. */
const whatsapp = proxyActivities<ReturnType<typeof createNoticeActivities>>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 8, nonRetryableErrorTypes: ['NoticeNotFound'] },
});

export async function noticeWorkflow({ noticeId }: NoticeWorkflowArgs): Promise<{ recipients: number; reached: number; costPoisha: number }> {
  const view: NoticeWorkflowView = { stage: 'preparing', recipients: null, next: null };
  setHandler(noticeViewQuery, () => view);

  const waitUntil = async (at: number, step: NonNullable<NoticeWorkflowView['next']>['step']) => {
    view.next = { at, step };
    if (at > Date.now()) await sleep(at - Date.now());
    view.next = null;
  };

  const plan = await acts.prepareNoticeDelivery(noticeId);
  view.recipients = plan.recipients;
  // WhatsApp runs beside the fallback timer: a WhatsApp outage delays nobody's SMS.
  const whatsappDone = plan.whatsapp > 0 ? whatsapp.sendNoticeWhatsApp(noticeId).catch(() => null) : Promise.resolve(null);
  view.stage = 'waiting_for_fallback';
  await waitUntil(plan.fallbackAt, 'sms_fallback');
  view.stage = 'sms_fallback';
  await acts.sendNoticeSmsFallback(noticeId);
  if (plan.reminderAt !== null) {
    view.stage = 'waiting_for_reminder';
    await waitUntil(plan.reminderAt, 'reminder');
    await acts.sendNoticeReminders(noticeId);
  }
  view.stage = 'following';
  await waitUntil(plan.followUntil, 'finish');
  await whatsappDone;
  const result = await acts.finishNotice(noticeId);
  view.stage = 'done';
  return result;
}
