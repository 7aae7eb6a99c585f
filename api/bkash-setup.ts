// Mounts bKash's two ways in (the payment notification webhook and the checkout callback) under
// /api/bkash. A verified payment is stored first and answered at once; delivery to the loan's
// workflow follows, and the delivery sweeper retries whatever does not get through.
import type { PaymentProvider } from '../bkash/payment-provider';
import { bkashRoutes } from '../bkash/routes';
import { deliverPayment, storePayment } from '../payments/receive-payment';
import type { App, AppDeps } from './app-env';

export interface BkashAccounts {
  /** Per upazila office id: its webhook provider and/or checkout provider. */
  accounts: Record<string, { webhook?: PaymentProvider; checkout?: PaymentProvider }>;
}

export function mountBkash(app: App, deps: AppDeps & { bkash?: BkashAccounts }): void {
  if (!deps.bkash) return;
  const { sql, temporal } = deps;
  app.route(
    '/api/bkash',
    bkashRoutes({
      accounts: deps.bkash.accounts,
      onPayment: async (p, officeId) => {
        const stored = await storePayment(sql, {
          trxId: p.trxId,
          amountPoisha: p.amountPoisha,
          paidAt: p.paidAt,
          provider: 'bkash',
          payerMsisdn: p.payerMsisdn,
          reference: p.reference ?? p.merchantInvoiceNumber ?? null,
          officeId,
          recordedBy: p.channel === 'webhook' ? 'bkash-webhook' : 'bkash-checkout',
          raw: p.raw,
        });
        if (stored.fresh && stored.loanId) {
          void deliverPayment(sql, temporal, stored.paymentId).catch((err: Error) => console.error(`[bkash] delivery of ${p.trxId} deferred: ${err.message}`));
        }
      },
      onOutcome: (outcome, officeId, via) => {
        if (outcome.kind === 'rejected' || outcome.kind === 'retry') console.error(`[bkash] ${via} for ${officeId}: ${outcome.kind} ${outcome.code}: ${outcome.reason}`);
      },
    }),
  );
}
