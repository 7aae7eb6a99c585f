import { m } from '$lib/paraglide/messages';

const LABELS: Record<string, () => string> = {
  received: m.loans_payment_received,
  applied: m.loans_applied,
  held: m.loans_payment_held,
  refunded: m.loans_payment_refunded,
};

/** A payment's status in the page's language (payments.status in db/migrations). */
export function paymentStatusLabel(status: string): string {
  return LABELS[status]?.() ?? status;
}
