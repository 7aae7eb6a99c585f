// Notice categories and delivery states in the reader's language.
import { m } from '$lib/paraglide/messages';

export const NOTICE_CATEGORIES = ['election', 'adhoc_committee', 'training', 'inspection', 'order', 'circular', 'notification', 'audit_notice', 'activity_photo', 'quarterly_list'] as const;

const CATEGORY: Record<string, () => string> = {
  election: m.net_cat_election, adhoc_committee: m.net_cat_adhoc, training: m.net_cat_training, inspection: m.net_cat_inspection, order: m.net_cat_order,
  circular: m.net_cat_circular, notification: m.net_cat_notification, audit_notice: m.net_cat_audit, activity_photo: m.net_cat_photo, quarterly_list: m.net_cat_quarterly,
};
const STATE: Record<string, () => string> = {
  read: m.net_state_read, delivered: m.net_state_delivered, sent: m.net_state_sent, waiting: m.net_state_waiting, not_reached: m.net_state_not_reached,
};

export const categoryLabel = (c: string): string => CATEGORY[c]?.() ?? c;
export const deliveryStateLabel = (s: string): string => STATE[s]?.() ?? s;

const CHANNEL: Record<string, () => string> = { app: m.net_ch_app, whatsapp: m.net_ch_whatsapp, sms: m.net_ch_sms };
const POSITION: Record<string, () => string> = { president: m.net_president, secretary: m.net_secretary };

export const CHANNELS = ['sms', 'whatsapp', 'app'] as const;
export const channelLabel = (c: string | null): string => (c ? (CHANNEL[c]?.() ?? c) : '—');
export const positionLabel = (p: string | null): string => (p ? (POSITION[p]?.() ?? p) : '');

/** Offices' and groups' names in the reader's language. */
export const nameIn = (bn: boolean, o: { nameBn: string; nameEn: string }): string => (bn ? o.nameBn : o.nameEn);

const SMS: Record<string, () => string> = {
  pending: m.net_sms_pending, sending: m.net_sms_sending, sent: m.net_sms_sent, delivered: m.net_sms_delivered, failed: m.net_sms_failed, skipped: m.net_sms_skipped,
};
/** The SMS fallback's own state (the outbox's), e.g. "SMS: queued". */
export const smsStateLabel = (s: string): string => SMS[s]?.() ?? s;
/** The badge colour class (app.css) for a delivery state. */
export const deliveryBadge = (s: string): string => (s === 'read' || s === 'delivered' ? 'delivered' : s === 'not_reached' ? 'failed' : 'pending');
