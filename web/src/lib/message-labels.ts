// Outbox statuses and message kinds (template names) in the reader's language.
import { m } from '$lib/paraglide/messages';

export const MESSAGE_STATUSES = ['pending', 'sending', 'sent', 'delivered', 'failed', 'skipped'] as const;
export const TEMPLATES = ['loan_schedule', 'installment_reminder', 'installment_reminder_with_link', 'payment_receipt', 'grace_warning', 'default_warning', 'blacklist_notice'] as const;

const STATUS: Record<string, () => string> = {
  pending: m.msg_status_pending, sending: m.msg_status_sending, sent: m.msg_status_sent,
  delivered: m.msg_status_delivered, failed: m.msg_status_failed, skipped: m.msg_status_skipped,
};
const TEMPLATE: Record<string, () => string> = {
  loan_schedule: m.tpl_loan_schedule, installment_reminder: m.tpl_installment_reminder, installment_reminder_with_link: m.tpl_installment_reminder_with_link,
  payment_receipt: m.tpl_payment_receipt, grace_warning: m.tpl_grace_warning, default_warning: m.tpl_default_warning, blacklist_notice: m.tpl_blacklist_notice,
};

export const messageStatusLabel = (s: string): string => STATUS[s]?.() ?? s;
export const templateLabel = (t: string): string => TEMPLATE[t]?.() ?? t;
